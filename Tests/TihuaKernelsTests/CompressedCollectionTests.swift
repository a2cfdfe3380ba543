import Foundation
import Testing
import TihuaCompute
import TihuaSearch
import TihuaStore
import TihuaTestSupport

/// Collections stored as float16 and int8: the stored form against numpy and
/// FAISS (Fixtures/make_fixtures.py), exact search against brute force over
/// the decoded vectors, and the errors of a dtype a collection cannot take.
@Suite struct CompressedCollectionTests {
    /// Stores `rows` as given (no renormalisation, so that the ranges are
    /// trained on exactly the fixture's floats) in a new collection of `dtype`.
    @discardableResult
    func store(_ index: TihuaIndex, _ name: String, _ rows: [Float], dimension: Int, dtype: VectorDType,
               ranges: ScalarQuantizer? = nil, keepFloat32: Bool = false) throws -> TihuaStore.Collection {
        let c = try index.prepareCollection(name)
        try index.write(c) { w in
            try w.setDType(dtype)
            try w.setKeepFloat32(keepFloat32)
            if let ranges { try w.trainInt8Ranges(ranges) }
            try rows.withUnsafeBufferPointer {
                try w.addVectors(ids: (0..<(rows.count / dimension)).map { "r\($0)" }, vectors: $0.baseAddress!,
                                 dimension: dimension)
            }
        }
        return c
    }

    func decoded(_ index: TihuaIndex, _ c: TihuaStore.Collection) throws -> [Float] {
        try index.read { txn in
            let s = try txn.snapshot(c)
            var all: [Float] = []
            try s.forEachBlock { _, v in all += v }
            // Row by row reads decode the same way.
            for row in [0, s.vectorCount - 1] {
                #expect(try s.vector(row: row) == Array(all[(row * s.dimension!)..<((row + 1) * s.dimension!)]))
            }
            return all
        }
    }

    /// The Double brute force over `stored`, ranked by (score desc, row asc).
    func bruteForce(_ stored: [Float], _ query: ArraySlice<Float>, dimension d: Int, k: Int) -> [(row: Int, score: Double)] {
        let q = Array(query)
        let scores = (0..<(stored.count / d)).map { r in
            (row: r, score: (0..<d).reduce(0.0) { $0 + Double(stored[r * d + $1]) * Double(q[$1]) })
        }
        return Array(scores.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
    }

    /// Hits equal the brute force: rows equal wherever the reference scores
    /// are not within the kernels' rounding of each other, scores within 1e-5.
    func expectMatches(_ hits: [(row: Int, score: Float)], _ expected: [(row: Int, score: Double)]) {
        #expect(hits.count == expected.count)
        for (i, (hit, ref)) in zip(hits, expected).enumerated() {
            #expect(abs(Double(hit.score) - ref.score) < 1e-5, "rank \(i): \(hit.score) vs \(ref.score)")
            if hit.row != ref.row {
                let close = expected.contains { $0.row == hit.row && abs($0.score - ref.score) < 1e-5 }
                #expect(close, "rank \(i): row \(hit.row), brute force \(ref.row)")
            }
        }
    }

    @Test func int8CollectionMatchesFAISS() throws {
        let d = ReferenceArrays.shape("sq8_unit_train")[1]
        let train = ReferenceArrays.floats("sq8_unit_train")
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        // Ranges trained by the first vectors stored equal FAISS's, bit for bit.
        let c = try store(index, "sq8", train, dimension: d, dtype: .int8)
        let info = try #require(try index.info(of: "sq8"))
        #expect(info.dtype == .int8 && info.bytesPerVector == d)
        let quantizer = try #require(info.quantizer)
        #expect(quantizer.vmin + quantizer.vdiff == ReferenceArrays.floats("sq8_unit_trained"))

        // Other rows stored with those ranges decode as FAISS decodes them.
        let x = ReferenceArrays.floats("sq8_unit_x")
        let cx = try store(index, "sq8x", x, dimension: d, dtype: .int8, ranges: quantizer)
        #expect(try decoded(index, cx) == ReferenceArrays.floats("sq8_unit_decoded"))

        // FAISS IndexScalarQuantizer(QT_8bit) top-10 of 8 queries, one query at a time and as a batch.
        let queries = try QueryMatrix(ReferenceArrays.floats("sq8_unit_queries"), dimension: d)
        let faissIDs = ReferenceArrays.ints("sq8_unit_faiss_ids"), faissScores = ReferenceArrays.floats("sq8_unit_faiss_scores")
        let search = try VectorSearch(index: index, collection: "sq8")
        let batch = try search.neighbors(queries, k: 10, method: .exact)
        let stored = try decoded(index, c)
        for q in 0..<queries.count {
            let one = try search.neighbors(queries.slice(q..<(q + 1)), k: 10, method: .exact).hits(query: 0)
            let faiss = (0..<10).map { (row: Int(faissIDs[q * 10 + $0]), score: Double(faissScores[q * 10 + $0])) }
            for hits in [one, batch.hits(query: q)] {
                expectMatches(hits, faiss)
                expectMatches(hits, bruteForce(stored, queries.values[(q * d)..<((q + 1) * d)], dimension: d, k: 10))
            }
        }
    }

    @Test func float16CollectionDecodesAsNumpy() throws {
        // numpy's astype(float16) of f16_x, stored as rows of 409 and read back.
        let x = ReferenceArrays.floats("f16_x"), halves = ReferenceArrays.halves("f16_numpy")
        let d = 409
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try store(index, "f16", x, dimension: d, dtype: .float16)
        #expect(try index.info(of: "f16")?.bytesPerVector == 2 * d)
        let expected = halves.map { Float(Float16(bitPattern: $0)) }
        let got = try decoded(index, c)
        #expect(got.count == expected.count)
        #expect(zip(got, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
    }

    /// Many rows over several blocks and both cores, with duplicated rows:
    /// equal codes score equally, and ties go to the lower row.
    @Test(arguments: [VectorDType.float16, .int8])
    func exactSearchEqualsBruteForceOverDecodedVectors(dtype: VectorDType) throws {
        let d = 64, n = 20000
        var rng = SeededRandom(seed: 7)
        var rows = (0..<(n * d)).map { _ in rng.gaussian() }
        // Rows 10…19 repeat at 15000… (ties across the two cores' chunks).
        for r in 0..<10 { for j in 0..<d { rows[(15000 + r) * d + j] = rows[(10 + r) * d + j] } }
        rows.withUnsafeMutableBufferPointer { b in
            for r in 0..<n { _ = VectorMath.normalize(b.baseAddress! + r * d, d) }
        }
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try store(index, "c", rows, dimension: d, dtype: dtype)
        let stored = try decoded(index, c)
        let search = try VectorSearch(index: index, collection: "c")
        // Queries: five duplicated rows themselves (ties at the top) and five random.
        var queryValues: [Float] = []
        for r in [10, 11, 12, 13, 14] { queryValues += rows[(r * d)..<((r + 1) * d)] }
        queryValues += (0..<(5 * d)).map { _ in rng.gaussian() }
        let queries = try QueryMatrix(queryValues, dimension: d)
        let batch = try search.neighbors(queries, k: 20, method: .exact)
        for q in 0..<queries.count {
            let one = try search.neighbors(queries.slice(q..<(q + 1)), k: 20, method: .exact).hits(query: 0)
            let expected = bruteForce(stored, queries.values[(q * d)..<((q + 1) * d)], dimension: d, k: 20)
            expectMatches(one, expected)
            expectMatches(batch.hits(query: q), expected)
            // Each duplicated pair scores the same, the lower row first.
            for r in 10..<20 {
                guard let a = one.firstIndex(where: { $0.row == r }) else { continue }
                let b = try #require(one.firstIndex { $0.row == 15000 + r - 10 })
                #expect(one[a].score == one[b].score && a < b)
            }
        }
    }

    @Test func dtypeTheCollectionCannotTakeIsAnError() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let rows: [Float] = [1, 0, 0, 0, 0, 1]
        try store(index, "f32", rows, dimension: 3, dtype: .float32)
        let c = try #require(try index.collection("f32"))
        // A collection with vectors keeps its dtype; the write changes nothing.
        let error = #expect(throws: StoreError.self) { try index.write(c) { try $0.setDType(.int8) } }
        #expect(error?.kind == .invalidInput && error?.message.contains("float32") == true)
        #expect(try index.info(of: "f32")?.dtype == .float32)
        // int8 ranges belong to int8 collections only, and of the collection's dimension.
        #expect(throws: StoreError.self) {
            try index.write(c) { try $0.trainInt8Ranges(ScalarQuantizer(vmin: [0, 0, 0], vdiff: [1, 1, 1])!) }
        }
        let e = try index.prepareCollection("e")
        #expect(throws: StoreError.self) {
            try index.write(e) { w in
                try w.setDType(.int8)
                try w.trainInt8Ranges(ScalarQuantizer(vmin: [0, 0], vdiff: [1, 1])!)
                try rows.withUnsafeBufferPointer { try w.addVectors(ids: ["a", "b"], vectors: $0.baseAddress!, dimension: 3) }
            }
        }
        // Non-finite vectors cannot train int8 ranges.
        #expect(throws: StoreError.self) {
            try index.write(e) { w in
                try w.setDType(.int8)
                let bad: [Float] = [.nan, 0, 1]
                try bad.withUnsafeBufferPointer { try w.addVectors(ids: ["a"], vectors: $0.baseAddress!, dimension: 3) }
            }
        }
        #expect(try index.info(of: "e")?.vectorCount ?? 0 == 0)
    }

    @Test(arguments: [VectorDType.float16, .int8])
    func deleteMovesCompressedRowsUnchanged(dtype: VectorDType) throws {
        let d = 16, n = 300
        var rng = SeededRandom(seed: 3)
        var rows = (0..<(n * d)).map { _ in rng.gaussian() }
        rows.withUnsafeMutableBufferPointer { b in
            for r in 0..<n { _ = VectorMath.normalize(b.baseAddress! + r * d, d) }
        }
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try store(index, "c", rows, dimension: d, dtype: dtype)
        let before = try decoded(index, c)
        try index.write(c) { try $0.delete(ids: ["r0", "r5", "r17"]) }
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == n - 3)
            for row in 0..<s.vectorCount {
                let id = try s.id(ofRow: row)
                let original = Int(id.dropFirst())!
                #expect(try s.vector(row: row) == Array(before[(original * d)..<((original + 1) * d)]))
            }
        }
    }

    /// Unit rows of low intrinsic dimension (close neighbours, so that int8
    /// rounding reorders them and a rerank has work to do).
    func lowRankRows(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        let latent = 6
        let mixing = (0..<(latent * d)).map { _ in rng.gaussian() }
        var rows = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            let z = (0..<latent).map { _ in rng.gaussian() }
            for j in 0..<d {
                rows[r * d + j] = (0..<latent).reduce(Float(0)) { $0 + z[$1] * mixing[$1 * d + j] } + 0.05 * rng.gaussian()
            }
        }
        rows.withUnsafeMutableBufferPointer { b in
            for r in 0..<n { _ = VectorMath.normalize(b.baseAddress! + r * d, d) }
        }
        return rows
    }

    @Test func rerankAgainstKeptFloat32CopiesEqualsTheFloat32Search() throws {
        let d = 48, n = 3000
        let rows = lowRankRows(n, d, seed: 11)
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try store(index, "f32", rows, dimension: d, dtype: .float32)
        let c8 = try store(index, "i8", rows, dimension: d, dtype: .int8, keepFloat32: true)
        try store(index, "bare", rows, dimension: d, dtype: .int8)
        #expect(try index.info(of: "i8")?.storedBytesPerVector == 5 * d)
        let exact = try VectorSearch(index: index, collection: "f32")
        let compressed = try VectorSearch(index: index, collection: "i8")
        var rng = SeededRandom(seed: 12)
        var reordered = 0
        for _ in 0..<8 {
            let queries = try QueryMatrix(Array(rows[(Int.random(in: 0..<n, using: &rng) * d)...].prefix(d)).map { $0 + 0.1 * rng.gaussian() },
                                          dimension: d)
            let truth = try exact.neighbors(queries, k: 10, method: .exact)
            // Reranking every row is the float32 search, bit for bit.
            let all = try index.read { try VectorSearch.neighbors(try $0.snapshot(c8), queries, k: 10, method: .exact, rerank: n) }
            #expect(all == truth)
            // A shorter rerank keeps float32 scores and finds at least what int8 alone finds.
            let some = try index.read { try VectorSearch.neighbors(try $0.snapshot(c8), queries, k: 10, method: .exact, rerank: 50) }
            let alone = try compressed.neighbors(queries, k: 10, method: .exact)
            #expect(Set(some.rows).intersection(truth.rows).count >= Set(alone.rows).intersection(truth.rows).count)
            for (row, score) in some.hits(query: 0) {
                if let t = truth.hits(query: 0).first(where: { $0.row == row }) { #expect(t.score == score) }
            }
            if alone.rows != truth.rows { reordered += 1 }
        }
        #expect(reordered > 0)  // else int8 loses nothing here and the rerank is not exercised
        // A compressed collection without copies cannot rerank.
        let bare = try VectorSearch(index: index, collection: "bare")
        let q = try QueryMatrix(Array(rows[0..<d]), dimension: d)
        #expect(throws: SearchError.self) { try bare.search(q, k: 5, method: .exact, rerank: 20) }
        // Deleting moves the copies with their rows.
        try index.write(c8) { try $0.delete(ids: ["r1", "r2"]) }
        try index.read { txn in
            let s = try txn.snapshot(c8)
            for row in [1, 2, s.vectorCount - 1] {
                let original = Int(try s.id(ofRow: row).dropFirst())!
                #expect(try s.withFloat32Copy(row: row) { Array(UnsafeBufferPointer(start: $0, count: d)) }
                        == Array(rows[(original * d)..<((original + 1) * d)]))
            }
        }
    }

    @Test func convertKeepsOrDropsFloat32Copies() throws {
        let d = 40, n = 500
        let rows = lowRankRows(n, d, seed: 5)
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let c = try store(index, "c", rows, dimension: d, dtype: .float32)
        // float32 → int8 keeping copies: the copies are the float32 vectors.
        try index.write(c) { try $0.convert(to: .int8, keepFloat32: true) }
        #expect(try index.info(of: "c")?.dtype == .int8 && index.info(of: "c")?.hasFloat32Copy == true)
        // int8 with copies can widen back to float32: exactly the original vectors, copies dropped.
        try index.write(c) { try $0.convert(to: .float32) }
        #expect(try decoded(index, c) == rows)
        #expect(try index.info(of: "c")?.keepsFloat32 == nil)
        // Without copies, widening is refused and the collection stays as it was.
        try index.write(c) { try $0.convert(to: .float16) }
        let before = try decoded(index, c)
        let error = #expect(throws: StoreError.self) { try index.write(c) { try $0.convert(to: .float32) } }
        #expect(error?.kind == .invalidInput)
        #expect(throws: StoreError.self) { try index.write(c) { try $0.convert(to: .int8, keepFloat32: true) } }
        #expect(try decoded(index, c) == before && index.info(of: "c")?.dtype == .float16)
        // An empty collection has nothing to convert.
        let e = try index.prepareCollection("e")
        try index.write(e) { _ in }
        #expect(throws: StoreError.self) { try index.write(e) { try $0.convert(to: .int8) } }
    }
}
