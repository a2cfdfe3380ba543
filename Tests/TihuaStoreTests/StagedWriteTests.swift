import Foundation
import TihuaCompute
import Testing
@testable import TihuaStore

@Suite struct StagedWriteTests {
    func unitRows(_ count: Int, _ dim: Int, seed: UInt64) throws -> [Float] {
        var rng = SeededRandom(seed: seed)
        var v = rng.vectors(count, dim)
        try v.withUnsafeMutableBufferPointer {
            try VectorCheck.normalizeRows($0.baseAddress!, count: count, dimension: dim) { "\($0)" }
        }
        return v
    }

    @Test func readersSeeNothingOfAStagedWriteUntilItIsPublished() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.prepareCollection("v")
        let v = try unitRows(300, 8, seed: 3)
        try index.update(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: (0..<100).map { "a\($0)" }, vectors: $0.baseAddress!, dimension: 8) }
        }
        try index.stagedWrite(c) { staged in
            for part in 1...2 {
                try staged.batch { w in
                    try v.withUnsafeBufferPointer {
                        try w.addVectors(ids: (0..<100).map { "b\(part)-\($0)" },
                                         vectors: $0.baseAddress! + part * 100 * 8, dimension: 8)
                    }
                }
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
        }
    }

    @Test func aFailedStagedWriteLeavesTheIndexAsItWas() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.prepareCollection("v")
        let v = try unitRows(200, 8, seed: 4)
        try index.update(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: (0..<50).map { "a\($0)" }, vectors: $0.baseAddress!, dimension: 8) }
        }
        let before = try index.info(of: "v")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try index.stagedWrite(c) { staged in
                try staged.batch { w in
                    try v.withUnsafeBufferPointer {
                        try w.addVectors(ids: (0..<100).map { "b\($0)" }, vectors: $0.baseAddress! + 50 * 8, dimension: 8)
                    }
                }
                throw Stop()
            }
        }
        #expect(try index.info(of: "v") == before)
        try index.read { (txn: ReadTransaction) throws in
            // The discarded rows are gone from every database, not just hidden.
            #expect(try txn.entryCount(c.rowids) == 50)
            #expect(try txn.entryCount(c.records) == 50)
            #expect(try txn.entryCount(c.order) == 50)
        }
        // The same ids can be imported again.
        try index.update(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: ["b0"], vectors: $0.baseAddress! + 50 * 8, dimension: 8) }
        }
        #expect(try index.info(of: "v")?.vectorCount == 51)
    }

    @Test func aReaderDoesNotSeeAnUncommittedWriter() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.createCollection("docs")
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let writer = Thread {
            try! index.update(c) { w in
                _ = try w.addRecord(id: "x", document: nil)
                inside.signal()
                release.wait()
            }
        }
        writer.start()
        inside.wait()
        #expect(try index.read { try $0.snapshot(c).record("x") } == nil)
        #expect(try index.info(of: "docs")?.recordCount == 0)
        release.signal()
        while try index.info(of: "docs")?.recordCount != 1 { usleep(1000) }
        #expect(try index.read { try $0.snapshot(c).record("x")?.id } == "x")
    }

    @Test func theMapGrowsWhenAWriteFillsIt() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true, initialMapSize: 1 << 20)
        let start = index.environment.mapSize
        let c = try index.prepareCollection("big")
        // 20 batches of 256 KiB of vectors overflow a 1 MiB map several times.
        let dim = 64, rows = 1024
        let v = try unitRows(rows, dim, seed: 9)
        try index.stagedWrite(c) { staged in
            for part in 0..<20 {
                try staged.batch { w in
                    try v.withUnsafeBufferPointer {
                        try w.addVectors(ids: (0..<rows).map { "p\(part)-\($0)" }, vectors: $0.baseAddress!, dimension: dim)
                    }
                }
            }
        }
        #expect(index.environment.mapSize > start)
        #expect(try index.info(of: "big")?.vectorCount == 20 * rows)
    }
}
