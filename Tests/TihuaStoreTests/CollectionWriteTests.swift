import CLMDB
import Foundation
import TihuaCompute
import Testing
@testable import TihuaStore

@Suite struct CollectionWriteTests {
    func unitRows(_ count: Int, _ dim: Int, seed: UInt64) throws -> [Float] {
        var rng = SeededRandom(seed: seed)
        var v = rng.vectors(count, dim)
        try v.withUnsafeMutableBufferPointer {
            try VectorCheck.normalizeRows($0.baseAddress!, count: count, dimension: dim) { "\($0)" }
        }
        return v
    }

    @Test func readersSeeNothingOfABatchedWriteUntilItIsPublished() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.prepareCollection("v")
        let v = try unitRows(300, 8, seed: 3)
        try index.write(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: (0..<100).map { "a\($0)" }, vectors: $0.baseAddress!, dimension: 8) }
        }
        try index.write(c) { w in
            for part in 1...2 {
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<100).map { "b\(part)-\($0)" },
                                     vectors: $0.baseAddress! + part * 100 * 8, dimension: 8)
                }
                try w.commitBatch()
                // Committed, not published: a reader sees the old state only.
                try index.read { txn in
                    let s = try txn.snapshot(c)
                    #expect(s.vectorCount == 100)
                    #expect(s.info.recordCount == 100)
                    #expect(try s.record("b1-0") == nil)
                    #expect(try s.blocks().reduce(0) { $0 + $1.rows } == 100)
                }
            }
        }
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == 300)
            #expect(try s.record("b2-99")?.vectorRow == 299)
            #expect(try txn.hasStagingMark("v") == false)
        }
    }

    @Test func aFailedBatchedWriteLeavesTheIndexAsItWas() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.prepareCollection("v")
        let v = try unitRows(200, 8, seed: 4)
        try index.write(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: (0..<50).map { "a\($0)" }, vectors: $0.baseAddress!, dimension: 8) }
        }
        let before = try index.info(of: "v")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try index.write(c) { w in
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<100).map { "b\($0)" }, vectors: $0.baseAddress! + 50 * 8, dimension: 8)
                }
                try w.commitBatch()
                try w.setAttachment("note", [1, 2, 3])
                throw Stop()
            }
        }
        #expect(try index.info(of: "v") == before)
        try index.read { (txn: ReadTransaction) throws in
            // The discarded rows are gone from every database, not just hidden.
            #expect(try txn.entryCount(c.rowids) == 50)
            #expect(try txn.entryCount(c.records) == 50)
            #expect(try txn.entryCount(c.order) == 50)
            #expect(try txn.hasStagingMark("v") == false)
            #expect(try txn.snapshot(c).attachment("note") == nil)
        }
        // The same ids can be imported again.
        try index.write(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: ["b0"], vectors: $0.baseAddress! + 50 * 8, dimension: 8) }
        }
        #expect(try index.info(of: "v")?.vectorCount == 51)
    }

    @Test func attachmentsArePublishedWithTheCounters() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.makeCollection("docs")
        try index.write(c) { w in
            _ = try w.addRecord(id: "x", document: nil)
            try w.setAttachment("table", Array("v1".utf8))
            try w.commitBatch()
            #expect(try index.read { try $0.snapshot(c).attachment("table") } == nil)
        }
        #expect(try index.read { try $0.snapshot(c).attachment("table") } == Array("v1".utf8))
    }

    @Test func aReaderDoesNotSeeAnUncommittedWriter() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.makeCollection("docs")
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let writer = Thread {
            try! index.write(c) { w in
                _ = try w.addRecord(id: "x", document: nil)
                inside.signal()
                release.wait()
            }
            finished.signal()
        }
        writer.start()
        inside.wait()
        #expect(try index.read { try $0.snapshot(c).record("x") } == nil)
        #expect(try index.info(of: "docs")?.recordCount == 0)
        release.signal()
        finished.wait()
        #expect(try index.read { try $0.snapshot(c).record("x")?.id } == "x")
        #expect(try index.info(of: "docs")?.recordCount == 1)
    }

    @Test func theMapGrowsBeforeABatchAndEveryClosureRunsOnce() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true, readOnly: false, mapReserve: 4 << 20,
                                   freeSpace: { _ in nil })
        let start = index.environment.mapSize
        let c = try index.prepareCollection("big")
        // 20 batches of 256 KiB of vectors (each rewriting a 2 MiB block)
        // outgrow a map with 4 MiB of room several times.
        let dim = 64, rows = 1024
        let v = try unitRows(rows, dim, seed: 9)
        var runs = 0
        try index.write(c) { w in
            runs += 1
            for part in 0..<20 {
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<rows).map { "p\(part)-\($0)" }, vectors: $0.baseAddress!, dimension: dim)
                }
                try w.commitBatch()
            }
        }
        #expect(runs == 1)
        #expect(index.environment.mapSize > start)
        #expect(try index.info(of: "big")?.vectorCount == 20 * rows)
    }

    @Test func oneTransactionLargerThanItsRoomFailsWholeAndTheNextHasMore() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true, readOnly: false, mapReserve: 1 << 20,
                                   freeSpace: { _ in nil })
        let c = try index.prepareCollection("big")
        let dim = 256, rows = 4096  // 4 MiB of vectors in one transaction, 1 MiB of room
        let v = try unitRows(rows, dim, seed: 10)
        var runs = 0
        func write() throws {
            try index.write(c) { w in
                runs += 1
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<rows).map { "r\($0)" }, vectors: $0.baseAddress!, dimension: dim)
                }
            }
        }
        var failures = 0
        while true {
            do {
                try write()
                break
            } catch let error as StoreError {
                #expect(error.kind == .lmdb(MDB_MAP_FULL))
                #expect(try index.info(of: "big") == nil)
                failures += 1
                #expect(failures < 4)
                if failures >= 4 { return }
            }
        }
        #expect(failures >= 1)
        #expect(runs == failures + 1)
        #expect(try index.info(of: "big")?.vectorCount == rows)
    }
}
