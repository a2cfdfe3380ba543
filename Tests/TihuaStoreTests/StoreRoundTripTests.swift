import Foundation
import TihuaCompute
import Testing
@testable import TihuaStore

@Suite struct StoreRoundTripTests {
    @Test func recordsAndVectorsSurviveReopening() throws {
        let dir = TemporaryFolder()
        var rng = SeededRandom(seed: 1)
        let dim = 512, n = 2100  // 1024 rows a block at this dimension: three blocks
        let values = rng.vectors(n, dim)
        do {
            let index = try TihuaIndex(path: dir.path, create: true)
            let c = try index.makeCollection("vecs")
            try index.write(c) { w in
                var v = values
                try v.withUnsafeMutableBufferPointer { b in
                    try VectorCheck.normalizeRows(b.baseAddress!, count: n, dimension: dim) { "row \($0)" }
                    try w.addVectors(ids: (0..<n).map { "id\($0)" }, vectors: b.baseAddress!, dimension: dim)
                }
                #expect(try w.addRecord(id: "doc-only", document: UnsafeRawBufferPointer(start: nil, count: 0)))
            }
        }
        let index = try TihuaIndex(path: dir.path)
        let c = try #require(try index.collection("vecs"))
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.info.vectorCount == n)
            #expect(s.info.recordCount == n + 1)
            #expect(s.info.dimension == dim)
            for row in [0, 1, 1023, 1024, 2048, 2099] {
                let expected = normalized(values[(row * dim)..<((row + 1) * dim)])
                let stored = Array(try s.vector(row: row))
                for j in 0..<dim { #expect(abs(stored[j] - expected[j]) < 1e-6) }
                #expect(try s.id(ofRow: row) == "id\(row)")
                #expect(try s.record("id\(row)")?.vectorRow == row)
            }
            let blocks = try s.blocks()
            #expect(blocks.map(\.rows) == [1024, 1024, 52])
            #expect(blocks.allSatisfy { Int(bitPattern: $0.vectors) % 16 == 0 })
            #expect(try s.record("doc-only")?.vectorRow == nil)
            #expect(try s.record("missing") == nil)
        }
    }

    @Test func documentsAreStoredBesideRecords() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.makeCollection("poems")
        let doc = Array("{\"title\":\"静夜思\"}".utf8)
        try index.write(c) { w in
            let first = try doc.withUnsafeBytes { try w.addRecord(id: "p1", document: $0) }
            let again = try doc.withUnsafeBytes { try w.addRecord(id: "p1", document: $0) }
            #expect(first && !again)
        }
        try index.read { txn in
            let record = try #require(try txn.snapshot(c).record("p1"))
            #expect(Array(record.document) == doc)
            #expect(record.sequence == 0)
        }
    }

    @Test func appendingInSeveralWritesFillsTheLastBlock() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.makeCollection("v")
        var rng = SeededRandom(seed: 2)
        let dim = 8
        var all: [Float] = []
        for part in 0..<5 {
            var v = rng.vectors(37, dim)
            try v.withUnsafeMutableBufferPointer { b in
                try VectorCheck.normalizeRows(b.baseAddress!, count: 37, dimension: dim) { "\($0)" }
            }
            all += v
            try index.write(c) { w in
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<37).map { "p\(part)-\($0)" }, vectors: $0.baseAddress!, dimension: dim)
                }
            }
        }
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == 185)
            var flat: [Float] = []
            for b in try s.blocks() { flat += UnsafeBufferPointer(start: b.vectors, count: b.rows * dim) }
            #expect(flat == all)
        }
    }

    @Test func deleteMovesTheLastRowIntoTheHole() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try index.makeCollection("v")
        let dim = 4
        var v: [Float] = (0..<(10 * dim)).map { Float($0 % dim == 0 ? $0 / dim + 1 : 0) }
        try v.withUnsafeMutableBufferPointer { b in
            try VectorCheck.normalizeRows(b.baseAddress!, count: 10, dimension: dim) { "\($0)" }
        }
        try index.write(c) { w in
            try v.withUnsafeBufferPointer {
                try w.addVectors(ids: (0..<10).map { "r\($0)" }, vectors: $0.baseAddress!, dimension: dim)
            }
        }
        #expect(try index.write(c) { try $0.delete("r3") })
        #expect(try index.write(c) { try $0.delete("r3") } == false)
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == 9)
            #expect(s.info.recordCount == 9)
            #expect(try s.id(ofRow: 3) == "r9")
            #expect(try s.record("r9")?.vectorRow == 3)
            #expect(try s.record("r3") == nil)
            var ids: [String] = []
            try s.forEachRecord { ids.append($0.id); return true }
            #expect(ids == ["r0", "r1", "r2", "r4", "r5", "r6", "r7", "r8", "r9"])
        }
    }

    @Test func aNewerSchemaIsRefused() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try index.rawWrite { txn in
            try Array("99".utf8).withUnsafeBytes { try txn.put(index.meta, Schema.versionKey, $0, "schema") }
        }
        #expect {
            _ = try TihuaIndex(path: dir.path)
        } throws: { error in
            (error as? StoreError)?.kind == .schema && (error as? StoreError)?.message.contains("schema version 99") == true
        }
    }

    @Test func openingAMissingIndexFailsClearly() {
        #expect {
            _ = try TihuaIndex(path: "/nonexistent/tihua-index")
        } throws: { error in
            (error as? StoreError)?.kind == .notFound && (error as? StoreError)?.message.contains("/nonexistent/tihua-index") == true
        }
    }

    @Test func invalidCollectionNamesAreRefused() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        #expect(throws: StoreError.self) { try index.makeCollection("a/b") }
        #expect(throws: StoreError.self) { try index.makeCollection("") }
    }
}
