import Testing
import TihuaCompute
import TihuaSearch
import TihuaStore

/// One query through IVF scores exactly the rows of the lists it probes:
/// its answer equals brute force (in Double) over those rows, ties to the
/// lower row, whether or not the lists are shared between the cores.
@Suite struct IVFOneQueryTests {
    /// The (row, vector) entries of the lists `query` probes, found with the
    /// same centroid ranking as the search.
    func probedEntries(_ snapshot: CollectionSnapshot, query: [Float], nprobe: Int) throws -> [(row: Int, vector: [Float])] {
        let ivf = try #require(try IVFIndex(snapshot))
        let d = ivf.dimension
        let lists = query.withUnsafeBufferPointer {
            CentroidRanking.rank(query: $0.baseAddress!, centroids: ivf.centroids, lists: ivf.info.lists, dimension: d,
                                 keep: min(nprobe, ivf.info.lists))
        }
        var entries: [(row: Int, vector: [Float])] = []
        for list in lists {
            try ivf.forEachChunk(ofList: list) { chunk in
                for i in 0..<chunk.count where chunk.row(i) < snapshot.vectorCount {
                    entries.append((chunk.row(i), Array(UnsafeBufferPointer(start: chunk.vectors.assumingMemoryBound(to: Float.self) + i * d,
                                                                            count: d))))
                }
            }
        }
        return entries
    }

    func bruteForce(_ entries: [(row: Int, vector: [Float])], _ query: [Float], k: Int) -> [(row: Int, score: Double)] {
        let scored = entries.map { e in
            (row: e.row, score: zip(e.vector, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
        }
        return Array(scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
    }

    @Test func oneQueryEqualsBruteForceOverTheProbedLists() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 41)
        let dim = 24
        var values = rng.clustered(2400, dim, clusters: 30, noise: 0.3)
        // Equal vectors at several rows: their scores tie, and the lower row must win.
        for copy in [700, 1300, 2399] { values.replaceSubrange((copy * dim)..<((copy + 1) * dim), with: values[(5 * dim)..<(6 * dim)]) }
        let c = try addVectors(index, "c", values, dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 30))
        let queries = unitRows(rng.clustered(12, dim, clusters: 30, noise: 0.3), dim)
            + unitRows(Array(values[(5 * dim)..<(6 * dim)]), dim)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            for q in 0..<(queries.count / dim) {
                let query = Array(queries[(q * dim)..<((q + 1) * dim)])
                let matrix = try QueryMatrix(query, dimension: dim)
                for nprobe in [1, 3, 7, 30] {
                    let expected = bruteForce(try probedEntries(snapshot, query: query, nprobe: nprobe), query, k: 12)
                    let found = try IVFSearch.search(snapshot, queries: matrix, k: 12, nprobe: nprobe)
                    let rows = found.rows.filter { $0 >= 0 }
                    #expect(rows == expected.map(\.row), "query \(q), nprobe \(nprobe)")
                    for (s, e) in zip(found.scores, expected) { #expect(abs(Double(s) - e.score) < 1e-5) }
                    for split in [IVFSearch.Split.never, .always] {
                        let other = try IVFSearch.search(snapshot, queries: matrix, k: 12, nprobe: nprobe, splitProbes: split)
                        #expect(other.rows == found.rows && other.scores == found.scores, "query \(q), nprobe \(nprobe), \(split)")
                    }
                }
            }
            // The query equal to row 5 finds rows 5, 700, 1300, 2399 first, in that order.
            let last = try QueryMatrix(Array(queries[(12 * dim)...]), dimension: dim)
            let top = try IVFSearch.search(snapshot, queries: last, k: 4, nprobe: 30)
            #expect(top.rows == [5, 700, 1300, 2399])
        }
    }
}
