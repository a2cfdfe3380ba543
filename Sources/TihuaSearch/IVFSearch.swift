import TihuaCompute
import TihuaStore

/// Approximate top-k through the collection's IVF index: rank the coarse
/// centroids for each query, scan the `nprobe` best lists (their vectors are
/// stored contiguously, chunk by chunk), keep the best `k`.
///
/// One query: the probed lists are shared among the cores. A batch: the
/// centroids are ranked with one `sgemm`, then the cores take the queries.
public enum IVFSearch {
    public static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int, nprobe: Int) throws -> Neighbors {
        try SearchValidation.check(snapshot, queries: queries, k: k)
        guard let ivf = snapshot.info.ivf, let dimension = snapshot.dimension,
              let centroids = try snapshot.ivfCentroids() else {
            throw SearchError(.noIVF, "collection '\(snapshot.name)' has no IVF index (build one with `tihua ivf build`, or search with --exact)")
        }
        guard nprobe >= 1 else {
            throw SearchError(.invalidArgument, "nprobe must be at least 1 (got \(nprobe)) to search collection '\(snapshot.name)'")
        }
        var result = Neighbors(queryCount: queries.count, k: k)
        guard snapshot.vectorCount > 0 else { return result }
        let probeCount = min(nprobe, ivf.lists)
        let probes = rankLists(queries, centroids: centroids, lists: ivf.lists, dimension: dimension, keep: probeCount)
        // Resolve the lists database in this thread before workers share the
        // transaction (LMDB refreshes a database's root on first use).
        try snapshot.forEachChunk(ofList: 0) { _ in }

        let scan = ListScan(snapshot: snapshot, dimension: dimension, k: min(k, snapshot.vectorCount))
        if queries.count == 1 {
            let top = try queries.values.withUnsafeBufferPointer { q in
                try scan.one(query: q.baseAddress!, lists: probes[0], parallel: probeCount > 1)
            }
            result.set(query: 0, top)
        } else {
            let tops = try queries.values.withUnsafeBufferPointer { q in
                try scan.many(queries: q.baseAddress!, count: queries.count, probes: probes)
            }
            for (i, top) in tops.enumerated() { result.set(query: i, top) }
        }
        return result
    }

    /// The `keep` best lists of each query, best first (ties: lower list).
    static func rankLists(_ queries: QueryMatrix, centroids: UnsafePointer<Float>, lists: Int, dimension: Int,
                          keep: Int) -> [[Int]] {
        var scores = [Float](repeating: 0, count: queries.count * lists)
        queries.values.withUnsafeBufferPointer { q in
            scores.withUnsafeMutableBufferPointer { s in
                if queries.count == 1 {
                    DotKernel.scores(query: q.baseAddress!, rows: centroids, count: lists, dimension: dimension,
                                     into: s.baseAddress!)
                } else {
                    BLAS.sgemm(m: queries.count, n: lists, k: dimension, a: q.baseAddress!, lda: dimension,
                               b: centroids, ldb: dimension, bTransposed: true, c: s.baseAddress!, ldc: lists)
                }
            }
        }
        return scores.withUnsafeBufferPointer { s in
            (0..<queries.count).map { i in
                var top = TopK(k: keep)
                ExactSearch.select(s.baseAddress! + i * lists, count: lists, firstRow: 0, into: &top)
                return top.sorted().map(\.row)
            }
        }
    }
}

/// Scans IVF lists of one snapshot for one or many queries.
struct ListScan {
    let snapshot: CollectionSnapshot
    let dimension: Int
    let k: Int

    /// One query over `lists`, split among the cores when `parallel`.
    func one(query: UnsafePointer<Float>, lists: [Int], parallel: Bool) throws -> TopK {
        let parts = parallel ? min(Parallel.cores, lists.count) : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: k)) }
        let failure = Box<Error?>(nil)
        Parallel.forEachChunk(count: parts, parts: parts) { part, _ in
            do {
                // Interleaved so that each core gets near and far lists alike.
                for i in stride(from: part, to: lists.count, by: parts) {
                    try scan(list: lists[i], query: query, into: &partial[part].value)
                }
            } catch { failure.value = error }
        }
        if let error = failure.value { throw error }
        var top = partial[0].value
        for p in partial.dropFirst() { top.merge(p.value) }
        return top
    }

    /// Each query over its own probed lists; the cores share the queries.
    func many(queries: UnsafePointer<Float>, count: Int, probes: [[Int]]) throws -> [TopK] {
        let results = (0..<count).map { _ in Box(TopK(k: k)) }
        let failures = (0..<Parallel.cores).map { _ in Box<Error?>(nil) }
        Parallel.forEachChunk(count: count) { part, range in
            do {
                for q in range {
                    for list in probes[q] {
                        try scan(list: list, query: queries + q * dimension, into: &results[q].value)
                    }
                }
            } catch { failures[part].value = error }
        }
        if let error = failures.compactMap(\.value).first { throw error }
        return results.map(\.value)
    }

    /// Offers every published entry of `list` to `top`.
    func scan(list: Int, query: UnsafePointer<Float>, into top: inout TopK) throws {
        let visible = snapshot.vectorCount
        let strip = ExactSearch.strip
        try withUnsafeTemporaryAllocation(of: Float.self, capacity: strip) { buffer in
            let s = buffer.baseAddress!
            try snapshot.forEachChunk(ofList: list) { chunk in
                var start = 0
                while start < chunk.count {
                    let n = min(strip, chunk.count - start)
                    DotKernel.scores(query: query, rows: chunk.vectors + start * dimension, count: n,
                                     dimension: dimension, into: s)
                    var threshold = top.threshold
                    for i in 0..<n where s[i] >= threshold {
                        // Rows past the published count belong to an unfinished import.
                        let row = chunk.row(start + i)
                        guard row < visible else { continue }
                        top.insert(s[i], row)
                        threshold = top.threshold
                    }
                    start += n
                }
            }
        }
    }
}
