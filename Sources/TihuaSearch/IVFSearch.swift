import TihuaCompute
import TihuaStore

/// Approximate top-k through the collection's IVF index: rank the coarse
/// centroids for each query, scan the `nprobe` best lists (their vectors are
/// stored contiguously, chunk by chunk), keep the best `k`.
///
/// One query: the probed lists are shared among the cores. A batch: the
/// centroids are ranked with one `sgemm`, then each probed list is read once
/// for all the queries that probe it.
public enum IVFSearch {
    /// Queries ranked against the centroids at once.
    static let maxBatch = 4096

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
        if queries.count > maxBatch {
            // Bounds the centroid score matrix (queries × lists floats).
            for start in stride(from: 0, to: queries.count, by: maxBatch) {
                let part = try search(snapshot, queries: queries.slice(start..<min(start + maxBatch, queries.count)),
                                      k: k, nprobe: nprobe)
                result.scores.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.scores)
                result.rows.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.rows)
            }
            return result
        }
        let probeCount = min(nprobe, ivf.lists)
        let probes = rankLists(queries, centroids: centroids, lists: ivf.lists, dimension: dimension, keep: probeCount)
        // Resolve the lists database in this thread before workers share the
        // transaction (LMDB refreshes a database's root on first use).
        try snapshot.forEachChunk(ofList: 0) { _ in }

        let scan = ListScan(snapshot: snapshot, dimension: dimension, k: min(k, snapshot.vectorCount))
        if queries.count == 1 {
            // Waking the second core pays off only for enough rows.
            let expectedRows = probeCount * snapshot.vectorCount / ivf.lists
            let top = try queries.values.withUnsafeBufferPointer { q in
                try scan.one(query: q.baseAddress!, lists: probes[0], parallel: probeCount > 1 && expectedRows >= ListScan.parallelRows)
            }
            result.set(query: 0, top)
        } else {
            let tops = try queries.values.withUnsafeBufferPointer { q in
                try scan.many(queries: q.baseAddress!, count: queries.count, probes: probes, lists: ivf.lists)
            }
            for (i, top) in tops.enumerated() { result.set(query: i, top) }
        }
        return result
    }

    /// The `keep` best lists of each query, best first (ties: lower list).
    static func rankLists(_ queries: QueryMatrix, centroids: UnsafePointer<Float>, lists: Int, dimension: Int,
                          keep: Int) -> [[Int]] {
        var scores = [Float](repeating: 0, count: queries.count * lists)
        // A few queries: OpenBLAS would split the product over both cores
        // and spend more waking its thread than it saves.
        BLAS.withThreads(queries.count < 16 ? 1 : BLAS.threads) {
            queries.values.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
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

/// Scans IVF lists of one snapshot for one or many queries. Lists are
/// scored with BLAS (a one-row `sgemm` for one query, one `sgemm` per list
/// for all the queries of a batch that probe it): probed lists are often
/// in cache, where the score kernel's arithmetic, not memory, sets the pace,
/// and OpenBLAS picks AVX2/AVX-512 code at run time.
struct ListScan {
    /// Rows a single query must expect to scan before its lists are shared
    /// between the cores (measured: below this, waking a thread costs more).
    static let parallelRows = 1024
    let snapshot: CollectionSnapshot
    let dimension: Int
    let k: Int

    /// Queries and rows scored per `sgemm`: bounds the score buffer.
    static let queryTile = 256
    static let rowStrip = 1024

    /// One query over `lists`, split among the cores when `parallel`.
    func one(query: UnsafePointer<Float>, lists: [Int], parallel: Bool) throws -> TopK {
        let parts = parallel ? min(Parallel.cores, lists.count) : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: k)) }
        let failure = Box<Error?>(nil)
        BLAS.withThreads(1) {
            Parallel.forEachChunk(count: parts, parts: parts) { part, _ in
                do {
                    var scores = [Float](repeating: 0, count: Self.rowStrip)
                    try scores.withUnsafeMutableBufferPointer { s in
                        // Interleaved so that each core gets near and far lists alike.
                        for i in stride(from: part, to: lists.count, by: parts) {
                            try scan(list: lists[i], queries: query, count: 1, scores: s.baseAddress!) { _ in
                                partial[part]
                            }
                        }
                    }
                } catch { failure.value = error }
            }
        }
        if let error = failure.value { throw error }
        var top = partial[0].value
        for p in partial.dropFirst() { top.merge(p.value) }
        return top
    }

    /// A batch: each list is read once and scored against every query that
    /// probes it. The cores share the lists; each keeps its own selection
    /// per query, merged at the end.
    func many(queries: UnsafePointer<Float>, count: Int, probes: [[Int]], lists: Int) throws -> [TopK] {
        var askers = [[Int]](repeating: [], count: lists)
        for (q, probed) in probes.enumerated() { for list in probed { askers[list].append(q) } }
        // Most queries first, then dealt out in turn: the cores get equal work.
        let order = (0..<lists).filter { !askers[$0].isEmpty }.sorted { askers[$0].count > askers[$1].count }
        let parts = min(Parallel.cores, max(1, order.count))
        let partial = (0..<parts).map { _ in (0..<count).map { _ in Box(TopK(k: k)) } }
        let failures = (0..<parts).map { _ in Box<Error?>(nil) }
        BLAS.withThreads(1) {
            Parallel.forEachChunk(count: parts, parts: parts) { part, _ in
                do {
                    var gathered = [Float](repeating: 0, count: Self.queryTile * dimension)
                    var scores = [Float](repeating: 0, count: Self.queryTile * Self.rowStrip)
                    try gathered.withUnsafeMutableBufferPointer { g in
                        try scores.withUnsafeMutableBufferPointer { s in
                            for i in stride(from: part, to: order.count, by: parts) {
                                let who = askers[order[i]]
                                var start = 0
                                while start < who.count {
                                    let tile = who[start..<min(start + Self.queryTile, who.count)]
                                    for (j, q) in tile.enumerated() {
                                        (g.baseAddress! + j * dimension).update(from: queries + q * dimension, count: dimension)
                                    }
                                    try scan(list: order[i], queries: g.baseAddress!, count: tile.count,
                                             scores: s.baseAddress!) { partial[part][tile[tile.startIndex + $0]] }
                                    start += tile.count
                                }
                            }
                        }
                    }
                } catch { failures[part].value = error }
            }
        }
        if let error = failures.compactMap(\.value).first { throw error }
        return (0..<count).map { q in
            var top = partial[0][q].value
            for p in partial.dropFirst() { top.merge(p[q].value) }
            return top
        }
    }

    /// Scores every published entry of `list` against `count` queries
    /// (row-major) and offers them to each query's selection, `top(i)`.
    func scan(list: Int, queries: UnsafePointer<Float>, count: Int, scores: UnsafeMutablePointer<Float>,
              top: (Int) -> Box<TopK>) throws {
        let visible = snapshot.vectorCount
        try snapshot.forEachChunk(ofList: list) { chunk in
            var start = 0
            while start < chunk.count {
                let n = min(Self.rowStrip, chunk.count - start)
                BLAS.sgemm(m: count, n: n, k: dimension, a: queries, lda: dimension,
                           b: chunk.vectors + start * dimension, ldb: dimension, bTransposed: true,
                           c: scores, ldc: n)
                for i in 0..<count {
                    let box = top(i)
                    let s = scores + i * n
                    var threshold = box.value.threshold
                    for j in 0..<n where s[j] >= threshold {
                        // Rows past the published count belong to an unfinished import.
                        let row = chunk.row(start + j)
                        guard row < visible else { continue }
                        box.value.insert(s[j], row)
                        threshold = box.value.threshold
                    }
                }
                start += n
            }
        }
    }
}
