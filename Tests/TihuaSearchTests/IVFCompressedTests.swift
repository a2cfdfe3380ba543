import Foundation
import Testing
import TihuaCompute
import TihuaSearch
import TihuaStore

/// IVF over float16 and int8 collections: the lists hold the collection's
/// own bytes (the codes of its blocks), one query equals brute force over
/// the decoded vectors of the probed lists, batches agree with it, and
/// builds, appends, deletes and conversions keep the lists in the
/// collection's dtype with their membership.
extension Array {
    /// Consecutive pieces of `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

@Suite struct IVFCompressedTests {
    let dim = 24

    /// A collection of `dtype` with clustered unit rows (row 5 repeated at
    /// rows 700 and 1300, so that scores tie) and an IVF index of 30 lists.
    func collection(_ index: TihuaIndex, _ name: String, dtype: VectorDType, keepFloat32: Bool = false,
                    rows: Int = 1600) throws -> (TihuaStore.Collection, [Float]) {
        var rng = TestRandom(seed: 77)
        var values = unitRows(rng.clustered(rows, dim, clusters: 30, noise: 0.3), dim)
        for copy in [700, 1300] { values.replaceSubrange((copy * dim)..<((copy + 1) * dim), with: values[(5 * dim)..<(6 * dim)]) }
        let c = try index.prepareCollection(name)
        try index.write(c) { w in
            try w.setDType(dtype)
            try w.setKeepFloat32(keepFloat32)
            try values.withUnsafeBufferPointer {
                try w.addVectors(ids: (0..<rows).map { "v\($0)" }, vectors: $0.baseAddress!, dimension: dim)
            }
        }
        _ = try IVFBuilder.build(index: index, collection: name, options: .init(lists: 30))
        return (c, values)
    }

    /// Each list's (row, stored bytes of the list entry, decoded vector).
    func lists(_ snapshot: CollectionSnapshot) throws -> [[(row: Int, bytes: [UInt8], vector: [Float])]] {
        let ivf = try #require(try IVFIndex(snapshot))
        let rowBytes = ivf.encoding.bytesPerRow(dimension: dim)
        return try (0..<ivf.info.lists).map { list in
            var entries: [(row: Int, bytes: [UInt8], vector: [Float])] = []
            try ivf.forEachChunk(ofList: list) { chunk in
                for i in 0..<chunk.count where chunk.row(i) < snapshot.vectorCount {
                    var v = [Float](repeating: 0, count: dim)
                    v.withUnsafeMutableBufferPointer {
                        ivf.encoding.decode(chunk.vectors + i * rowBytes, count: 1, dimension: dim, into: $0.baseAddress!)
                    }
                    entries.append((chunk.row(i), Array(UnsafeRawBufferPointer(start: chunk.vectors + i * rowBytes, count: rowBytes)), v))
                }
            }
            return entries
        }
    }

    /// The stored bytes of every row of the collection's blocks.
    func blockBytes(_ snapshot: CollectionSnapshot) throws -> [[UInt8]] {
        let rowBytes = snapshot.info.bytesPerVector
        var out: [[UInt8]] = []
        for block in try snapshot.encodedBlocks() {
            for r in 0..<block.rows {
                out.append(Array(UnsafeRawBufferPointer(start: block.bytes + r * rowBytes, count: rowBytes)))
            }
        }
        return out
    }

    /// Lists hold the collection's dtype, each row once, with its block's bytes.
    func expectListsMirrorBlocks(_ snapshot: CollectionSnapshot, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ivf = try #require(try IVFIndex(snapshot))
        #expect(ivf.info.listDType == snapshot.info.dtype, sourceLocation: sourceLocation)
        let blocks = try blockBytes(snapshot)
        var seen = Set<Int>()
        for entries in try lists(snapshot) {
            for e in entries {
                #expect(seen.insert(e.row).inserted, sourceLocation: sourceLocation)
                #expect(e.bytes == blocks[e.row], "row \(e.row)", sourceLocation: sourceLocation)
            }
        }
        #expect(seen.count == snapshot.vectorCount, sourceLocation: sourceLocation)
    }

    /// Rows equal the expected ones except where the expected scores are
    /// within float rounding of each other (the kernels round differently
    /// from Double); scores within 1e-5.
    func expectRanking(_ rows: [Int], _ scores: [Float], _ expected: [(row: Int, score: Double)], _ what: String,
                       sourceLocation: SourceLocation) {
        let rows = rows.filter { $0 >= 0 }
        #expect(rows.count == expected.count, "\(what)", sourceLocation: sourceLocation)
        for (i, (row, ref)) in zip(rows, expected).enumerated() {
            #expect(abs(Double(scores[i]) - ref.score) < 1e-5, "\(what), rank \(i)", sourceLocation: sourceLocation)
            if row != ref.row {
                let close = expected.contains { $0.row == row && abs($0.score - ref.score) < 1e-6 }
                #expect(close, "\(what), rank \(i): row \(row), brute force \(ref.row)", sourceLocation: sourceLocation)
            }
        }
    }

    func membership(_ snapshot: CollectionSnapshot) throws -> [[Int]] {
        try lists(snapshot).map { $0.map(\.row).sorted() }
    }

    /// One query at several nprobe equals brute force in Double over the
    /// decoded vectors of the probed lists; a batch finds the same rows.
    func expectBruteForce(_ snapshot: CollectionSnapshot, queries: [Float], k: Int = 10,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ivf = try #require(try IVFIndex(snapshot))
        let all = try lists(snapshot)
        let count = queries.count / dim
        for nprobe in [1, 4, 30] {
            var expectations: [[(row: Int, score: Double)]] = []
            for q in 0..<count {
                let query = Array(queries[(q * dim)..<((q + 1) * dim)])
                let probed = query.withUnsafeBufferPointer {
                    CentroidRanking.rank(query: $0.baseAddress!, centroids: ivf.centroids, lists: ivf.info.lists,
                                         dimension: dim, keep: nprobe)
                }
                let scored = probed.flatMap { all[$0] }.map { e in
                    (row: e.row, score: zip(e.vector, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
                }
                let expected = Array(scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
                expectations.append(expected)
                let found = try IVFSearch.search(snapshot, queries: try QueryMatrix(query, dimension: dim), k: k, nprobe: nprobe)
                expectRanking(found.rows, found.scores, expected, "query \(q), nprobe \(nprobe)", sourceLocation: sourceLocation)
            }
            let batch = try IVFSearch.search(snapshot, queries: try QueryMatrix(queries, dimension: dim), k: k, nprobe: nprobe)
            for q in 0..<count {
                expectRanking(Array(batch.rows[(q * k)..<((q + 1) * k)]), Array(batch.scores[(q * k)..<((q + 1) * k)]),
                              expectations[q], "batch query \(q), nprobe \(nprobe)", sourceLocation: sourceLocation)
            }
        }
    }

    func queries(_ values: [Float]) -> [Float] {
        var rng = TestRandom(seed: 78)
        // Held-out queries, and row 5 itself (tied with rows 700 and 1300).
        return unitRows(rng.clustered(8, dim, clusters: 30, noise: 0.3), dim) + Array(values[(5 * dim)..<(6 * dim)])
    }

    @Test(arguments: [VectorDType.float16, .int8])
    func oneQueryAndBatchesEqualBruteForceOverTheDecodedLists(dtype: VectorDType) throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let (c, values) = try collection(index, "c", dtype: dtype)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            try expectListsMirrorBlocks(snapshot)
            try expectBruteForce(snapshot, queries: queries(values))
            let tied = try IVFSearch.search(snapshot, queries: try QueryMatrix(Array(values[(5 * dim)..<(6 * dim)]), dimension: dim),
                                            k: 3, nprobe: 30)
            #expect(tied.rows == [5, 700, 1300])
            // Every list probed, one query: the exact scan's kernel on the same codes, so the same rows and scores.
            for q in queries(values).chunked(dim) {
                let matrix = try QueryMatrix(q, dimension: dim)
                let exact = try ExactSearch.search(snapshot, queries: matrix, k: 10)
                let ivf = try IVFSearch.search(snapshot, queries: matrix, k: 10, nprobe: 30)
                #expect(exact.rows == ivf.rows && exact.scores == ivf.scores)
            }
        }
    }

    @Test func appendsAndDeletesAfterABuildKeepInt8Lists() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let (c, values) = try collection(index, "c", dtype: .int8)
        var rng = TestRandom(seed: 79)
        let more = unitRows(rng.clustered(300, dim, clusters: 30, noise: 0.3), dim)
        try index.write(c) { w in
            try more.withUnsafeBufferPointer {
                try w.addVectors(ids: (0..<300).map { "n\($0)" }, vectors: $0.baseAddress!, dimension: dim)
            }
        }
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            #expect(snapshot.vectorCount == 1900)
            try expectListsMirrorBlocks(snapshot)
            // New rows are filed in the list of their nearest centroid.
            let ivf = try #require(try IVFIndex(snapshot))
            let all = try membership(snapshot)
            for row in [1600, 1750, 1899] {
                let v = Array(more[((row - 1600) * dim)..<((row - 1599) * dim)])
                let nearest = v.withUnsafeBufferPointer {
                    CentroidRanking.rank(query: $0.baseAddress!, centroids: ivf.centroids, lists: ivf.info.lists, dimension: dim, keep: 1)
                }
                #expect(all[nearest[0]].contains(row))
            }
        }
        let doomed = (0..<1900).filter { $0 % 7 == 3 }.map { $0 < 1600 ? "v\($0)" : "n\($0 - 1600)" }
        #expect(try index.write(c) { try $0.delete(ids: doomed) } == doomed.count)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            try expectListsMirrorBlocks(snapshot)
            try expectBruteForce(snapshot, queries: queries(values))
        }
    }

    @Test func conversionsKeepListMembershipAndRewriteTheLists() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let (c, values) = try collection(index, "c", dtype: .float32)
        let before = try index.read { try membership($0.snapshot(c)) }
        for (dtype, keep) in [(VectorDType.int8, true), (.float32, false), (.float16, false), (.int8, false)] {
            try index.write(c) { try $0.convert(to: dtype, keepFloat32: keep) }
            try index.read { txn in
                let snapshot = try txn.snapshot(c)
                #expect(snapshot.info.dtype == dtype && snapshot.info.ivf?.listDType == dtype)
                #expect(try membership(snapshot) == before, "after converting to \(dtype)")
                try expectListsMirrorBlocks(snapshot)
                try expectBruteForce(snapshot, queries: queries(values))
            }
        }
    }

    @Test func rerankAndFiltersWorkOnInt8Lists() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let (c, values) = try collection(index, "c", dtype: .int8, keepFloat32: true)
        let matrix = try QueryMatrix(queries(values), dimension: dim)
        // Reranking every candidate of an all-lists search is the exact float32 answer.
        let reranked = try index.read {
            try VectorSearch.neighbors(try $0.snapshot(c), matrix, k: 10, method: .ivf(nprobe: 30), rerank: 1600)
        }
        let exact = reference(values, matrix, k: 10)
        for q in 0..<matrix.count {
            #expect(Array(reranked.rows[(q * 10)..<((q + 1) * 10)]) == exact[q].map(\.row), "query \(q)")
        }
        // Filtered: only allowed rows, the best of them in the probed lists.
        let allowed = Set((0..<1600).filter { $0 % 3 == 0 })
        let filter = RowFilter(rows: allowed, rowCount: 1600)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            let found = try IVFSearch.search(snapshot, queries: matrix, k: 10, nprobe: 30, filter: filter)
            let plain = try IVFSearch.search(snapshot, queries: matrix, k: 1600, nprobe: 30)
            for q in 0..<matrix.count {
                let expected = Array(plain.rows[(q * 1600)..<((q + 1) * 1600)].filter { allowed.contains($0) }.prefix(10))
                #expect(Array(found.rows[(q * 10)..<((q + 1) * 10)]) == expected, "query \(q)")
            }
        }
    }

    @Test func anIndexWrittenBeforeListsHadADTypeReadsAsFloat32() throws {
        let old = #"{"lists":4,"chunkRows":256,"trainedOn":100,"generation":3}"#
        let info = try JSONDecoder().decode(IVFInfo.self, from: Data(old.utf8))
        #expect(info.listDType == .float32 && info.lists == 4 && info.generation == 3)
        let written = try JSONDecoder().decode(IVFInfo.self, from: JSONEncoder().encode(
            IVFInfo(lists: 4, chunkRows: 256, trainedOn: 100, generation: 3, listDType: .int8)))
        #expect(written.listDType == .int8)
        let bad = #"{"lists":4,"chunkRows":256,"trainedOn":100,"generation":3,"listDType":"int4"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IVFInfo.self, from: Data(bad.utf8)) }
    }
}
