import Testing
import TihuaCompute
import TihuaSearch
import TihuaStore

/// Filtered search ranks like brute force over the allowed rows, whichever
/// path it takes.
@Suite struct FilteredSearchTests {
    /// Rows kept by a seeded coin with probability `share`.
    func filterRows(_ n: Int, share: Double, seed: UInt64) -> [Int] {
        var rng = TestRandom(seed: seed)
        return (0..<n).filter { _ in Double(rng.next() >> 11) / Double(1 << 53) < share }
    }

    func bruteForce(_ stored: [Float], _ queries: QueryMatrix, allowed: [Int], k: Int) -> [[(row: Int, score: Double)]] {
        let d = queries.dimension
        return (0..<queries.count).map { q in
            let scored = allowed.map { r in
                (row: r, score: (0..<d).reduce(0.0) { $0 + Double(stored[r * d + $1]) * Double(queries.values[q * d + $1]) })
            }
            return Array(scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
        }
    }

    @Test(arguments: [(0.5, FilteredSearch.Path.bitmap), (0.05, .gather), (0.001, .gather), (0.0, .none)])
    func exactPathsEqualBruteForce(share: Double, path: FilteredSearch.Path) throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 11)
        let n = 30_000, d = 48
        let c = try addVectors(index, "v", rng.clustered(n, d, clusters: 30, noise: 0.4), dimension: d)
        _ = try IVFBuilder.build(index: index, collection: "v", options: .init(lists: 64))
        let stored = try storedVectors(index, c)
        let allowed = filterRows(n, share: share, seed: 12)
        let filter = RowFilter(rows: allowed, rowCount: n)
        let queries = try QueryMatrix(rng.vectors(3, d), dimension: d)
        let expected = bruteForce(stored, queries, allowed: allowed, k: 10)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            // Exact whatever the method asked: IVF would lose rows this selective (or the share is exact anyway).
            for method in [SearchMethod.exact, .automatic(nprobe: 4)] where share < 0.5 || method == .exact {
                #expect(FilteredSearch.path(snapshot, filter: filter, k: 10, method: method) == path)
                let batch = try FilteredSearch.search(snapshot, queries: queries, k: 10, filter: filter, method: method)
                for q in 0..<queries.count {
                    let one = try FilteredSearch.search(snapshot, queries: queries.slice(q..<(q + 1)), k: 10, filter: filter,
                                                        method: method)
                    for hits in [batch.hits(query: q), one.hits(query: 0)] {
                        #expect(hits.map(\.row) == expected[q].map(\.row))
                        for (hit, ref) in zip(hits, expected[q]) { #expect(abs(Double(hit.score) - ref.score) < 1e-5) }
                    }
                }
            }
        }
    }

    @Test func ivfScansItsListsWithTheFilterWhenEnoughRowsPass() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 21)
        let n = 30_000, d = 32
        let c = try addVectors(index, "v", rng.clustered(n, d, clusters: 20, noise: 0.5), dimension: d)
        _ = try IVFBuilder.build(index: index, collection: "v", options: .init(lists: 32))
        let allowed = filterRows(n, share: 0.5, seed: 22)
        let filter = RowFilter(rows: allowed, rowCount: n)
        let everything = RowFilter(rows: 0..<n, rowCount: n)
        let queries = try QueryMatrix(rng.vectors(4, d), dimension: d)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            let method = SearchMethod.automatic(nprobe: 8)
            #expect(FilteredSearch.path(snapshot, filter: filter, k: 10, method: method) == .ivf)
            let found = try FilteredSearch.search(snapshot, queries: queries, k: 10, filter: filter, method: method)
            for q in 0..<queries.count {
                let hits = found.hits(query: q)
                #expect(hits.count == 10 && hits.allSatisfy { filter.contains($0.row) })
            }
            // Allowing every row, it is the unfiltered IVF search.
            let all = try FilteredSearch.search(snapshot, queries: queries, k: 10, filter: everything, method: method)
            #expect(all == (try IVFSearch.search(snapshot, queries: queries, k: 10, nprobe: 8)))
            // The same filter asked exactly: the bitmap path, brute force over the allowed rows.
            #expect(FilteredSearch.path(snapshot, filter: filter, k: 10, method: .exact) == .bitmap)
        }
    }

    @Test func theFilterMustFitTheCollection() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 31)
        let c = try addVectors(index, "v", rng.vectors(100, 8), dimension: 8)
        let queries = try QueryMatrix(rng.vectors(1, 8), dimension: 8)
        try index.read { txn in
            let snapshot = try txn.snapshot(c)
            #expect(throws: SearchError.self) {
                try FilteredSearch.search(snapshot, queries: queries, k: 3, filter: RowFilter(rows: [1], rowCount: 99), method: .exact)
            }
            // k beyond the allowed rows returns them all.
            let few = try FilteredSearch.search(snapshot, queries: queries, k: 50, filter: RowFilter(rows: [5, 3, 99], rowCount: 100),
                                                method: .exact)
            #expect(Set(few.hits(query: 0).map(\.row)) == [3, 5, 99])
        }
        #expect(RowFilter(rows: [70, 3, 3, 64, 200], rowCount: 100).rows == [3, 64, 70])
    }
}
