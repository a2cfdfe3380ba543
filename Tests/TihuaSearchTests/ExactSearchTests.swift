import Testing
import TihuaCompute
import TihuaSearch
import TihuaStore

@Suite struct ExactSearchTests {
    /// Compares a search with the Double brute force: same rows, scores within 1e-5.
    func checkAgainstReference(n: Int, dimension: Int, queryCount: Int, k: Int, seed: UInt64) throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: seed)
        let c = try addVectors(index, "v", rng.vectors(n, dimension), dimension: dimension)
        let stored = try storedVectors(index, c)
        let search = try VectorSearch(index: index, collection: "v")
        let queries = try QueryMatrix(rng.vectors(queryCount, dimension), dimension: dimension)
        let expected = reference(stored, queries, k: k)
        // All at once (sgemm), and one by one (SIMD scan).
        let batch = try search.search(queries, k: k, method: .exact)
        for q in 0..<queryCount {
            let one = try search.search(queries.slice(q..<(q + 1)), k: k, method: .exact)[0]
            for hits in [batch[q], one] {
                #expect(hits.map(\.row) == expected[q].map(\.row))
                for (hit, ref) in zip(hits, expected[q]) {
                    #expect(abs(Double(hit.score) - ref.score) < 1e-5)
                    #expect(hit.id == "v\(hit.row)")
                }
            }
        }
    }

    @Test func matchesBruteForceAcrossBlocksAtDimension512() throws {
        // 1024 rows a block at 512 dimensions: three blocks, the last partial.
        try checkAgainstReference(n: 2100, dimension: 512, queryCount: 5, k: 10, seed: 1)
    }

    @Test func matchesBruteForceOnManyRowsSplitAcrossCores() throws {
        // 8192 rows a block at 64 dimensions: enough rows for the parallel paths.
        try checkAgainstReference(n: 20000, dimension: 64, queryCount: 4, k: 25, seed: 2)
    }

    @Test func matchesBruteForceAtAnOddDimension() throws {
        try checkAgainstReference(n: 301, dimension: 37, queryCount: 3, k: 7, seed: 3)
    }

    @Test func kLargerThanTheCollectionReturnsEveryRow() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 4)
        try addVectors(index, "v", rng.vectors(13, 16), dimension: 16)
        let search = try VectorSearch(index: index, collection: "v")
        let queries = try QueryMatrix(rng.vectors(3, 16), dimension: 16)
        for hits in try search.search(queries, k: 50, method: .exact) {
            #expect(hits.count == 13)
            #expect(Set(hits.map(\.row)) == Set(0..<13))
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        // k beyond the collection means all of it: 13 slots, not 50.
        let raw = try search.neighbors(queries.slice(0..<1), k: 50, method: .exact)
        #expect(raw.k == 13 && raw.rows.count == 13 && !raw.rows.contains(-1))
        let huge = try search.neighbors(queries, k: Int.max, method: .exact)
        #expect(huge.k == 13 && huge.rows.count == 3 * 13)
    }

    @Test func kZeroIsRejected() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try addVectors(index, "poems", [1, 0, 0, 0], dimension: 4)
        let search = try VectorSearch(index: index, collection: "poems")
        #expect(throws: SearchError(.invalidArgument, "k must be at least 1 (got 0) to search collection 'poems'")) {
            _ = try search.search(try QueryMatrix([1, 0, 0, 0], dimension: 4), k: 0, method: .exact)
        }
    }

    @Test func aDimensionMismatchIsRejected() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try addVectors(index, "poems", [1, 0, 0, 0], dimension: 4)
        let search = try VectorSearch(index: index, collection: "poems")
        #expect(throws: SearchError(.dimensionMismatch,
                                    "collection 'poems' holds 4-dimensional vectors but the queries have 3 dimensions")) {
            _ = try search.search(try QueryMatrix([1, 0, 0], dimension: 3), k: 5, method: .exact)
        }
    }

    @Test func badQueriesAreRejected() {
        #expect(throws: SearchError(.invalidQuery, "query 1: zero vector (it has no direction to compare)")) {
            _ = try QueryMatrix([1, 0, 0, 0], dimension: 2)
        }
        #expect(throws: SearchError(.invalidQuery, "query 0: component 1 is NaN")) {
            _ = try QueryMatrix([1, .nan], dimension: 2)
        }
    }

    @Test func anEmptyCollectionHasNoResults() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        _ = try index.makeCollection("empty")
        let search = try VectorSearch(index: index, collection: "empty")
        let hits = try search.search(try QueryMatrix([1, 0, 0, 0, 0, 1, 0, 0], dimension: 4), k: 5, method: .exact)
        #expect(hits.count == 2 && hits.allSatisfy(\.isEmpty))
        // Emptied by deletes: the dimension stays, the rows are gone.
        let c = try addVectors(index, "emptied", [1, 0, 0, 0], dimension: 4)
        _ = try index.write(c) { try $0.delete("v0") }
        #expect(try VectorSearch(index: index, collection: "emptied")
            .search(try QueryMatrix([1, 0, 0, 0], dimension: 4), k: 5, method: .automatic) == [[]])
    }

    @Test func aMissingCollectionIsAnError() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        #expect(throws: StoreError.self) { _ = try VectorSearch(index: index, collection: "nope") }
    }

    @Test func equalScoresAreOrderedByLowerRow() throws {
        // Components 0 and ±1 make every product and sum exact, so equal
        // vectors tie exactly whatever the order of accumulation.
        let dim = 4
        var values: [Float] = []
        let twins: Set = [3, 10, 17, 40]
        for r in 0..<50 {
            values += twins.contains(r) ? [1, 0, 0, 0] : (r % 2 == 0 ? [0, 1, 0, 0] : [0, 0, -1, 0])
        }
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try addVectors(index, "t", values, dimension: dim)
        let search = try VectorSearch(index: index, collection: "t")
        let one = try QueryMatrix([1, 0, 0, 0], dimension: dim)
        let two = try QueryMatrix([1, 0, 0, 0, 1, 0, 0, 0], dimension: dim)
        #expect(try search.search(one, k: 4, method: .exact)[0].map(\.row) == [3, 10, 17, 40])
        #expect(try search.search(two, k: 3, method: .exact).map { $0.map(\.row) } == [[3, 10, 17], [3, 10, 17]])
        // Among the 46 rows scoring 0, the lowest rows come first.
        #expect(try search.search(one, k: 7, method: .exact)[0].map(\.row) == [3, 10, 17, 40, 0, 1, 2])
        _ = try IVFBuilder.build(index: index, collection: "t", options: .init(lists: 3))
        #expect(try search.search(one, k: 7, method: .ivf(nprobe: 3))[0].map(\.row) == [3, 10, 17, 40, 0, 1, 2])
        #expect(try search.search(two, k: 5, method: .ivf(nprobe: 3)).map { $0.map(\.row) }
                == [[3, 10, 17, 40, 0], [3, 10, 17, 40, 0]])
    }
}
