import Foundation
import TihuaCompute
import Synchronization
import Testing
import TihuaSearch
import TihuaStore

@Suite struct IVFTests {
    /// IVF with every list probed must find exactly the rows of the exact
    /// search, in the same order; scores agree to float rounding (the exact
    /// scan and the list scan use different kernels: SIMD vs BLAS).
    func expectIVFEqualsExact(_ search: VectorSearch, _ queries: QueryMatrix, lists: Int, k: Int,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        var pairs: [([SearchHit], [SearchHit])] = []
        for q in 0..<queries.count {
            let one = queries.slice(q..<(q + 1))
            pairs.append((try search.search(one, k: k, method: .exact)[0],
                          try search.search(one, k: k, method: .ivf(nprobe: lists))[0]))
        }
        pairs += zip(try search.search(queries, k: k, method: .exact),
                     try search.search(queries, k: k, method: .ivf(nprobe: lists)))
        for (exact, ivf) in pairs {
            #expect(exact.map(\.id) == ivf.map(\.id), sourceLocation: sourceLocation)
            #expect(exact.map(\.row) == ivf.map(\.row), sourceLocation: sourceLocation)
            for (a, b) in zip(exact, ivf) { #expect(abs(a.score - b.score) < 1e-5, sourceLocation: sourceLocation) }
        }
    }

    @Test func recallOnClusteredDataIsHigh() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 10)
        let dim = 32
        let all = rng.clustered(3000 + 100, dim, clusters: 40, noise: 0.35)
        try addVectors(index, "c", Array(all[0..<(3000 * dim)]), dimension: dim)
        let report = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 40))
        #expect(report.lists == 40 && report.vectors == 3000 && report.listSizes.reduce(0, +) == 3000)
        let search = try VectorSearch(index: index, collection: "c")
        let queries = try QueryMatrix(Array(all[(3000 * dim)...]), dimension: dim)
        let exact = try search.search(queries, k: 10, method: .exact)
        let approx = try search.search(queries, k: 10, method: .ivf(nprobe: 4))
        let found = zip(exact, approx).reduce(0) { $0 + Set($1.0.map(\.row)).intersection($1.1.map(\.row)).count }
        let recall = Double(found) / Double(10 * queries.count)
        #expect(recall >= 0.9, "recall@10 with 4 of 40 lists: \(recall)")
        // The default method uses the index; one list is worse than four.
        let automatic = try search.search(queries, k: 10)
        let viaIndex = try search.search(queries, k: 10, method: .ivf(nprobe: SearchMethod.defaultNProbe))
        #expect(automatic == viaIndex)
        // One at a time (lists shared among the cores) and batched (each list
        // read once for all its queries) agree.
        for q in [0, 37, 99] {
            let single = try search.search(queries.slice(q..<(q + 1)), k: 10, method: .ivf(nprobe: 4))[0]
            #expect(single.map(\.row) == approx[q].map(\.row))
        }
        // A huge k or nprobe means all of it, never an allocation of k.
        let everything = try search.neighbors(queries.slice(0..<2), k: Int.max, method: .ivf(nprobe: Int.max))
        #expect(everything.k == 3000 && everything.rows.count == 6000 && !everything.rows.contains(-1))
        let one = try search.search(queries, k: 10, method: .ivf(nprobe: 1))
        let foundOne = zip(exact, one).reduce(0) { $0 + Set($1.0.map(\.row)).intersection($1.1.map(\.row)).count }
        #expect(foundOne <= found)
    }

    @Test func largeBatchesAreSearchedInParts() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 17)
        try addVectors(index, "c", rng.vectors(60, 4), dimension: 4)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 5))
        let search = try VectorSearch(index: index, collection: "c")
        let queries = try QueryMatrix(rng.vectors(4096 + 904, 4), dimension: 4)
        let ivf = try search.neighbors(queries, k: 3, method: .ivf(nprobe: 5))
        let exact = try search.neighbors(queries, k: 3, method: .exact)
        #expect(ivf.rows == exact.rows)
        #expect(zip(ivf.scores, exact.scores).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func kMeansReseedsEmptyClusters() throws {
        // Four distinct points, each repeated: with six clusters, some start
        // (or become) empty and are re-seeded by splitting the largest.
        let dim = 8
        var points: [Float] = []
        for i in 0..<200 {
            var p = [Float](repeating: 0, count: dim)
            p[i % 4] = 1
            points += p
        }
        let result = try points.withUnsafeBufferPointer {
            try KMeans.train(points: $0.baseAddress!, count: 200, dimension: dim, clusters: 6, iterations: 8, seed: 3)
        }
        #expect(result.centroids.count == 6 * dim)
        for c in 0..<6 {
            let row = result.centroids[(c * dim)..<((c + 1) * dim)]
            #expect(row.allSatisfy { $0.isFinite })
            #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        // Every distinct point has a centroid on it.
        for axis in 0..<4 {
            let best = (0..<6).map { result.centroids[$0 * dim + axis] }.max()!
            #expect(best > 0.99)
        }
    }

    @Test func buildsAreReproducible() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 11)
        try addVectors(index, "c", rng.clustered(800, 16, clusters: 10, noise: 0.5), dimension: 16)
        let a = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 12))
        let b = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 12))
        #expect(a.listSizes == b.listSizes)
        #expect(a.trainedOn == 800)
    }

    @Test func addsAndDeletesAfterABuildKeepIVFConsistentWithExact() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 12)
        let dim = 24
        let c = try addVectors(index, "c", rng.clustered(600, dim, clusters: 8, noise: 0.4), dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 8))
        try addVectors(index, "c", rng.clustered(150, dim, clusters: 8, noise: 0.4), dimension: dim, prefix: "new")
        try index.write(c) { w in
            for id in ["v0", "v17", "new3", "v599", "new149", "v300"] {
                let deleted = try w.delete(id)
                #expect(deleted)
            }
        }
        let count = try #require(try index.info(of: "c")).vectorCount
        #expect(count == 744)
        let sizes = try index.read { try $0.snapshot(c).ivfListSizes() }
        #expect(sizes.reduce(0, +) == count)
        let search = try VectorSearch(index: index, collection: "c")
        let queries = try QueryMatrix(rng.vectors(6, dim), dimension: dim)
        try expectIVFEqualsExact(search, queries, lists: 8, k: 15)
        // A new vector is found through the index by its own direction.
        let newID = try index.read { txn in try txn.snapshot(c).record("new10")!.vectorRow! }
        let own = try index.read { txn in Array(try txn.snapshot(c).vector(row: newID)) }
        let hit = try search.search(try QueryMatrix(own, dimension: dim), k: 1, method: .ivf(nprobe: 1))
        #expect(hit[0].first?.id == "new10")
    }

    /// One batch of deletes (rows at the start, in the middle, at the end,
    /// the last row, ids given twice, missing ids) leaves rows dense, ids,
    /// records, blocks and lists consistent, and IVF still equal to exact.
    @Test func aBatchOfDeletesKeepsEverythingConsistent() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 18)
        let dim = 512
        // 2,600 rows: three blocks (1,024 rows a block at this dimension).
        let c = try addVectors(index, "c", rng.clustered(2600, dim, clusters: 9, noise: 0.4), dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 9))
        let before = try storedVectors(index, c)
        var doomed = (0..<2600).filter { $0 % 3 == 0 || $0 > 2500 || ($0 > 1000 && $0 < 1100) }.map { "v\($0)" }
        doomed += ["v3", "missing", "v2599"]
        let deleted = try index.write(c) { try $0.delete(ids: doomed) }
        let gone = Set(doomed).subtracting(["missing"])
        #expect(deleted == gone.count)
        let count = 2600 - gone.count
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == count && s.info.recordCount == count)
            #expect(try s.ivfListSizes().reduce(0, +) == count)
            var seen = Set<String>()
            try s.forEachRecord { record in
                let row = try #require(record.vectorRow)
                #expect(try s.id(ofRow: row) == record.id)
                // Each surviving vector is its original one, wherever it moved.
                let original = Int(record.id.dropFirst())!
                #expect(try s.vector(row: row) == Array(before[(original * dim)..<((original + 1) * dim)]))
                seen.insert(record.id)
                return true
            }
            #expect(seen.count == count && seen.isDisjoint(with: gone))
        }
        let search = try VectorSearch(index: index, collection: "c")
        try expectIVFEqualsExact(search, try QueryMatrix(rng.vectors(5, dim), dimension: dim), lists: 9, k: 20)
        // Deleting everything empties the lists too.
        let rest = try index.read { txn in
            var ids: [String] = []
            try txn.snapshot(c).forEachRecord { ids.append($0.id); return true }
            return ids
        }
        #expect(try index.write(c) { try $0.delete(ids: rest) } == count)
        #expect(try index.read { try $0.snapshot(c).ivfListSizes() }.allSatisfy { $0 == 0 })
        #expect(try index.info(of: "c")?.vectorCount == 0)
    }

    @Test func aRebuildReplacesTheOldIndex() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 13)
        let dim = 16
        try addVectors(index, "c", rng.clustered(500, dim, clusters: 6, noise: 0.5), dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 6))
        let first = try #require(try index.info(of: "c")?.ivf)
        let report = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 20, trainSize: 300))
        let second = try #require(try index.info(of: "c")?.ivf)
        #expect(first.lists == 6 && second.lists == 20 && second.generation != first.generation)
        #expect(second.trainedOn == 300 && report.trainedOn == 300)
        let c = try #require(try index.collection("c"))
        #expect(try index.read { try $0.snapshot(c).ivfListSizes() }.reduce(0, +) == 500)
        let search = try VectorSearch(index: index, collection: "c")
        try expectIVFEqualsExact(search, try QueryMatrix(rng.vectors(4, dim), dimension: dim), lists: 20, k: 10)
    }

    @Test func aFailedBuildLeavesThePreviousIndex() throws {
        struct Stop: Error {}
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 14)
        let dim = 16
        try addVectors(index, "c", rng.clustered(400, dim, clusters: 5, noise: 0.5), dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 5))
        let before = try #require(try index.info(of: "c"))
        let search = try VectorSearch(index: index, collection: "c")
        let queries = try QueryMatrix(rng.vectors(5, dim), dimension: dim)
        let answers = try search.search(queries, k: 8, method: .ivf(nprobe: 2))
        var options = IVFBuildOptions(lists: 9)
        options.batchBytes = 1  // one list a transaction: the failure comes between committed batches
        #expect(throws: Stop.self) {
            _ = try IVFBuilder.build(index: index, collection: "c", options: options) { phase in
                if case .writing(let done, _) = phase, done == 4 { throw Stop() }
            }
        }
        #expect(try index.info(of: "c") == before)
        #expect(try search.search(queries, k: 8, method: .ivf(nprobe: 2)) == answers)
        try expectIVFEqualsExact(search, queries, lists: 5, k: 8)
        // The next build starts clean.
        _ = try IVFBuilder.build(index: index, collection: "c", options: options)
        #expect(try index.info(of: "c")?.ivf?.lists == 9)
        try expectIVFEqualsExact(search, queries, lists: 9, k: 8)
    }

    @Test func buildArgumentsAreChecked() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 15)
        try addVectors(index, "c", rng.vectors(10, 4), dimension: 4)
        func kind(_ options: IVFBuildOptions, _ name: String = "c") -> StoreError.Kind? {
            do { _ = try IVFBuilder.build(index: index, collection: name, options: options); return nil }
            catch { return (error as? StoreError)?.kind }
        }
        #expect(kind(.init(lists: 11)) == .invalidInput)
        #expect(kind(.init(lists: 0)) == .invalidInput)
        #expect(kind(.init(lists: -1)) == .invalidInput)
        #expect(kind(.init(lists: 5, trainSize: 4)) == .invalidInput)
        #expect(kind(.init(lists: 5, trainSize: -3)) == .invalidInput)
        var iterations = IVFBuildOptions(lists: 2)
        iterations.iterations = 1_000_000_000_000
        #expect(kind(iterations) == .invalidInput)
        #expect(kind(.init(), "nope") == .notFound)
        #expect(throws: SearchError(.noIVF, "collection 'c' has no IVF index (build one with `tihua ivf build`, or search with --exact)")) {
            _ = try VectorSearch(index: index, collection: "c").search(try QueryMatrix([1, 0, 0, 0], dimension: 4), k: 1,
                                                                        method: .ivf(nprobe: 1))
        }
        _ = try index.makeCollection("empty")
        #expect(kind(.init(), "empty") == .invalidInput)
        #expect(try index.info(of: "c")?.ivf == nil)
        #expect(IVFBuilder.defaultLists(count: 1) == 1)
        #expect(IVFBuilder.defaultLists(count: 110_000) == 1327)
        #expect(IVFBuilder.defaultLists(count: 5) == 5)
    }

    @Test func readersSeeWholeImportsOnly() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        var rng = TestRandom(seed: 16)
        let dim = 8
        let c = try addVectors(index, "c", rng.vectors(200, dim), dimension: dim)
        _ = try IVFBuilder.build(index: index, collection: "c", options: .init(lists: 4))
        let added = unitRows(rng.vectors(500, dim), dim)
        let queries = try QueryMatrix(Array(added[0..<(3 * dim)]), dimension: dim)
        let search = try VectorSearch(index: index, collection: "c")
        let done = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        // The reader searches all the time; when asked, it also runs one round
        // whose counts are recorded, and says when it is done: one round after
        // each committed batch (nothing new may show) and one after publication.
        let ask = DispatchSemaphore(value: 0), answered = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
        let rounds = Mutex<[Set<Int>]>([])
        @Sendable func searchBoth() throws -> Set<Int> {
            var counts = Set<Int>()
            for method in [SearchMethod.exact, .ivf(nprobe: 4)] {
                let hits = try search.search(queries, k: 10_000, method: method)
                counts.formUnion(hits.map(\.count))
                // Before publication the queries (new vectors) are absent; after, each finds itself.
                if hits.allSatisfy({ $0.count == 700 }) && hits.enumerated().contains(where: { $0.element.first?.id != "new\($0.offset)" }) {
                    failures.withLock { $0.append("a published vector is missing from its own search") }
                }
            }
            return counts
        }
        let reader = Thread {
            while !done.load(ordering: .acquiring) {
                do {
                    let counts = try searchBoth()
                    if !counts.isSubset(of: [200, 700]) { failures.withLock { $0.append("saw counts \(counts.sorted())") } }
                    if ask.wait(timeout: .now()) == .success {
                        let round = try searchBoth()
                        rounds.withLock { $0.append(round) }
                        answered.signal()
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            stopped.signal()
        }
        reader.start()
        try index.write(c) { w in
            for batch in 0..<5 {
                let ids = (0..<100).map { "new\(batch * 100 + $0)" }
                try added.withUnsafeBufferPointer {
                    try w.addVectors(ids: ids, vectors: $0.baseAddress! + batch * 100 * dim, dimension: dim)
                }
                try w.commitBatch()
                ask.signal()
                answered.wait()
            }
        }
        ask.signal()
        answered.wait()
        done.store(true, ordering: .releasing)
        stopped.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(rounds.withLock { $0 } == Array(repeating: [200], count: 5) + [[700]])
    }
}
