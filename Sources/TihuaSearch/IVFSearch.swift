import TihuaCompute
import TihuaStore

/// Approximate top-k through the collection's IVF index (`IVFIndex` in
/// TihuaStore): it names the `nprobe` lists nearest each query and lends
/// their chunks; this scores them (through `RowScorer`) and keeps the best `k`.
///
/// One query: the probed lists are shared among the cores. A batch: each
/// probed list is read once for all the queries that probe it.
public enum IVFSearch {
    /// Queries ranked against the centroids at once.
    static let maxBatch = 4096

    /// With `filter`, rows outside it are skipped before selection (see
    /// `FilteredSearch`, which decides when that path is taken).
    public static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int, nprobe: Int,
                              filter: RowFilter? = nil) throws -> Neighbors {
        let k = try SearchValidation.check(snapshot, queries: queries, k: k)
        guard let ivf = try IVFIndex(snapshot) else {
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
                                      k: k, nprobe: nprobe, filter: filter)
                result.scores.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.scores)
                result.rows.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.rows)
            }
            return result
        }
        let probeCount = min(nprobe, ivf.info.lists)
        let probes = queries.values.withUnsafeBufferPointer {
            ivf.probes($0.baseAddress!, count: queries.count, keep: probeCount)
        }
        let scan = ListScan(snapshot: snapshot, dimension: ivf.dimension, k: k, filter: filter)
        if queries.count == 1 {
            // Waking the second core pays off only for enough rows.
            let expectedRows = probeCount * snapshot.vectorCount / ivf.info.lists
            let top = try queries.values.withUnsafeBufferPointer { q in
                try scan.one(query: q.baseAddress!, lists: probes[0],
                             parallel: probeCount > 1 && expectedRows >= ListScan.parallelRows)
            }
            result.set(query: 0, top)
        } else {
            let tops = try queries.values.withUnsafeBufferPointer { q in
                try scan.many(queries: q.baseAddress!, count: queries.count, probes: probes, lists: ivf.info.lists)
            }
            for (i, top) in tops.enumerated() { result.set(query: i, top) }
        }
        return result
    }
}

/// Scans IVF lists of one snapshot for one or many queries. Lists are
/// scored with BLAS (a one-row `sgemm` for one query, one `sgemm` per list
/// for all the queries of a batch that probe it): probed lists are often
/// in cache, where the score kernel's arithmetic, not memory, sets the pace,
/// and OpenBLAS picks AVX2/AVX-512 code at run time. The workers share the
/// snapshot through `CollectionSnapshot.inParallel` only.
struct ListScan {
    /// Rows a single query must expect to scan before its lists are shared
    /// between the cores (measured: below this, waking a thread costs more).
    static let parallelRows = 1024
    let snapshot: CollectionSnapshot
    let dimension: Int
    let k: Int
    /// Rows that may be returned (nil: all).
    var filter: RowFilter? = nil

    /// Queries and rows scored per `sgemm`: bounds the score buffer.
    static let queryTile = 256
    static let rowStrip = 1024

    /// One query over `lists`, split among the cores when `parallel`.
    func one(query: UnsafePointer<Float>, lists: [Int], parallel: Bool) throws -> TopK {
        let parts = parallel ? min(Parallel.cores, lists.count) : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: k)) }
        try snapshot.inParallel(count: parts, parts: parts) { snapshot, part, _ in
            guard let ivf = try IVFIndex(snapshot) else { return }
            var scores = [Float](repeating: 0, count: Self.rowStrip)
            try scores.withUnsafeMutableBufferPointer { s in
                // Interleaved so that each core gets near and far lists alike.
                for i in stride(from: part, to: lists.count, by: parts) {
                    try scan(ivf, list: lists[i], queries: query, count: 1, scores: s.baseAddress!) { _ in partial[part] }
                }
            }
        }
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
        try snapshot.inParallel(count: parts, parts: parts) { snapshot, part, _ in
            guard let ivf = try IVFIndex(snapshot) else { return }
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
                            try scan(ivf, list: order[i], queries: g.baseAddress!, count: tile.count,
                                     scores: s.baseAddress!) { partial[part][tile[tile.startIndex + $0]] }
                            start += tile.count
                        }
                    }
                }
            }
        }
        return (0..<count).map { q in
            var top = partial[0][q].value
            for p in partial.dropFirst() { top.merge(p[q].value) }
            return top
        }
    }

    /// Scores every published entry of `list` against `count` queries
    /// (row-major) and offers them to each query's selection, `top(i)`.
    func scan(_ ivf: IVFIndex, list: Int, queries: UnsafePointer<Float>, count: Int, scores: UnsafeMutablePointer<Float>,
              top: (Int) -> Box<TopK>) throws {
        let visible = snapshot.vectorCount
        try ivf.forEachChunk(ofList: list) { chunk in
            var start = 0
            while start < chunk.count {
                let n = min(Self.rowStrip, chunk.count - start)
                RowScorer.scoreMany(queries: queries, queryCount: count, rows: chunk.vectors + start * dimension,
                                    count: n, dimension: dimension, into: scores)
                for i in 0..<count {
                    let box = top(i)
                    let s = scores + i * n
                    var threshold = box.value.threshold
                    for j in 0..<n where s[j] >= threshold {
                        // Rows past the published count belong to an unfinished write.
                        let row = chunk.row(start + j)
                        guard row < visible, filter?.contains(row) ?? true else { continue }
                        box.value.insert(s[j], row)
                        threshold = box.value.threshold
                    }
                }
                start += n
            }
        }
    }
}
