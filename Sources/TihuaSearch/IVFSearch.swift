import Synchronization
import TihuaCompute
import TihuaStore

/// Approximate top-k through the collection's IVF index (`IVFIndex` in
/// TihuaStore): it names the `nprobe` lists nearest each query and lends
/// their chunks; this scores them and keeps the best `k`.
///
/// One query: the centroids are ranked and the lists scored by the SIMD
/// kernels (`CentroidRanking`, `PreparedQuery`), the probed lists shared
/// among the cores when they hold enough rows. A batch: one `sgemm` ranks
/// the centroids, and each probed list is read once for all the queries
/// that probe it.
public enum IVFSearch {
    /// Queries ranked against the centroids at once.
    static let maxBatch = 4096

    /// With `filter`, rows outside it are skipped before selection (see
    /// `FilteredSearch`, which decides when that path is taken).
    public static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int, nprobe: Int,
                              filter: RowFilter? = nil) throws -> Neighbors {
        try search(snapshot, queries: queries, k: k, nprobe: nprobe, filter: filter, splitProbes: .automatic)
    }

    /// Whether one query's probed lists are shared between the cores.
    package enum Split: Sendable {
        /// When the probed lists are expected to hold `ListScan.parallelRows` rows or more.
        case automatic
        case never
        case always
    }

    /// `search` with the one-query split chosen by the caller (a benchmark
    /// measuring the crossover); batches ignore it.
    package static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int, nprobe: Int,
                               filter: RowFilter? = nil, splitProbes: Split) throws -> Neighbors {
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
                                      k: k, nprobe: nprobe, filter: filter, splitProbes: splitProbes)
                result.scores.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.scores)
                result.rows.replaceSubrange((start * k)..<((start + part.queryCount) * k), with: part.rows)
            }
            return result
        }
        let probeCount = min(nprobe, ivf.info.lists)
        let scan = ListScan(snapshot: snapshot, dimension: ivf.dimension, encoding: ivf.encoding, k: k, filter: filter)
        if queries.count == 1 {
            let top = try queries.values.withUnsafeBufferPointer { q in
                // SIMD ranking: a one-row sgemm spends its time packing the centroids.
                let lists = CentroidRanking.rank(query: q.baseAddress!, centroids: ivf.centroids, lists: ivf.info.lists,
                                                 dimension: ivf.dimension, keep: probeCount)
                let split: Bool
                switch splitProbes {
                case .automatic:
                    let expectedRows = probeCount * snapshot.vectorCount / ivf.info.lists
                    split = expectedRows >= ListScan.parallelRows
                case .never: split = false
                case .always: split = true
                }
                return try scan.one(ivf, query: PreparedQuery(q, encoding: ivf.encoding), lists: lists,
                                    parallel: split && lists.count > 1)
            }
            result.set(query: 0, top)
        } else {
            let probes = queries.values.withUnsafeBufferPointer {
                ivf.probes($0.baseAddress!, count: queries.count, keep: probeCount)
            }
            let tops = try queries.values.withUnsafeBufferPointer { q in
                try scan.many(ivf, queries: q.baseAddress!, count: queries.count, probes: probes)
            }
            for (i, top) in tops.enumerated() { result.set(query: i, top) }
        }
        return result
    }
}

/// Scans IVF lists of one snapshot for one or many queries. Lists hold
/// vectors in the collection's dtype (`IVFIndex.encoding`). One query: the
/// SIMD kernel of that encoding scores each chunk in place from the map, as
/// the exact one-query scan does. A batch: one `sgemm` per strip of a list
/// for all the queries that probe it, compressed rows first decoded into a
/// float32 scratch (probed lists are often in cache, where arithmetic, not
/// memory, sets the pace; the decode is paid once for all those queries). The workers share the snapshot through
/// `CollectionSnapshot.inParallel` only.
struct ListScan {
    /// Rows a single query must expect to scan before its lists are shared
    /// between the cores (measured with `tihua bench ivf`: below this,
    /// waking a thread costs more than the second core saves).
    static let parallelRows = 1024
    let snapshot: CollectionSnapshot
    let dimension: Int
    /// How the lists' vectors are stored.
    let encoding: VectorEncoding
    let k: Int
    /// Rows that may be returned (nil: all).
    var filter: RowFilter? = nil

    /// Queries and rows scored per `sgemm`: bounds the score buffer.
    static let queryTile = 256
    static let rowStrip = 1024

    /// One query over `lists`, split among the cores when `parallel`: each
    /// core claims the next unscanned list, so a core delayed by another
    /// process leaves its share to the other. A row's score does not depend
    /// on the core, and the merged top-k is ordered by (score, row).
    func one(_ ivf: IVFIndex, query: PreparedQuery, lists: [Int], parallel: Bool) throws -> TopK {
        let parts = parallel ? min(Parallel.cores, lists.count) : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: k)) }
        let claimed = Atomic<Int>(0)
        let bytesPerRow = query.encoding.bytesPerRow(dimension: dimension)
        let visible = snapshot.vectorCount
        // The workers share the caller's IVFIndex (its snapshot is the one they are lent).
        try snapshot.inParallel(count: parts, parts: parts) { _, part, _ in
            let box = partial[part]
            try withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.rowStrip) { buffer in
                let scores = buffer.baseAddress!
                while true {
                    let i = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < lists.count else { break }
                    try ivf.forEachChunk(ofList: lists[i]) { chunk in
                        var start = 0
                        while start < chunk.count {
                            let n = min(Self.rowStrip, chunk.count - start)
                            query.scores(UnsafeRawPointer(chunk.vectors) + start * bytesPerRow, count: n, into: scores)
                            offer(scores, count: n, of: chunk, from: start, visible: visible, to: box)
                            start += n
                        }
                    }
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
    func many(_ ivf: IVFIndex, queries: UnsafePointer<Float>, count: Int, probes: [[Int]]) throws -> [TopK] {
        let lists = ivf.info.lists
        var askers = [[Int]](repeating: [], count: lists)
        for (q, probed) in probes.enumerated() { for list in probed { askers[list].append(q) } }
        // Most queries first, then dealt out in turn: the cores get equal work.
        let order = (0..<lists).filter { !askers[$0].isEmpty }.sorted { askers[$0].count > askers[$1].count }
        let parts = min(Parallel.cores, max(1, order.count))
        let partial = (0..<parts).map { _ in (0..<count).map { _ in Box(TopK(k: k)) } }
        // The workers share the caller's IVFIndex (its snapshot is the one they are lent).
        try snapshot.inParallel(count: parts, parts: parts) { _, part, _ in
            var gathered = [Float](repeating: 0, count: Self.queryTile * dimension)
            var scores = [Float](repeating: 0, count: Self.queryTile * Self.rowStrip)
            var decoded = [Float](repeating: 0, count: encoding == .float32 ? 0 : Self.rowStrip * dimension)
            try gathered.withUnsafeMutableBufferPointer { g in
                try scores.withUnsafeMutableBufferPointer { s in
                  try decoded.withUnsafeMutableBufferPointer { d in
                    for i in stride(from: part, to: order.count, by: parts) {
                        let who = askers[order[i]]
                        var start = 0
                        while start < who.count {
                            let tile = who[start..<min(start + Self.queryTile, who.count)]
                            for (j, q) in tile.enumerated() {
                                (g.baseAddress! + j * dimension).update(from: queries + q * dimension, count: dimension)
                            }
                            try scan(ivf, list: order[i], queries: g.baseAddress!, count: tile.count,
                                     scores: s.baseAddress!, decoded: d.baseAddress) { partial[part][tile[tile.startIndex + $0]] }
                            start += tile.count
                        }
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
    /// Compressed lists are decoded a strip at a time into `decoded`
    /// (`rowStrip × dimension` floats).
    func scan(_ ivf: IVFIndex, list: Int, queries: UnsafePointer<Float>, count: Int, scores: UnsafeMutablePointer<Float>,
              decoded: UnsafeMutablePointer<Float>?, top: (Int) -> Box<TopK>) throws {
        let visible = snapshot.vectorCount
        let bytesPerRow = encoding.bytesPerRow(dimension: dimension)
        try ivf.forEachChunk(ofList: list) { chunk in
            var start = 0
            while start < chunk.count {
                let n = min(Self.rowStrip, chunk.count - start)
                let stored = chunk.vectors + start * bytesPerRow
                let rows: UnsafePointer<Float>
                if encoding == .float32 {
                    rows = stored.assumingMemoryBound(to: Float.self)
                } else {
                    encoding.decode(stored, count: n, dimension: dimension, into: decoded!)
                    rows = UnsafePointer(decoded!)
                }
                RowScorer.scoreMany(queries: queries, queryCount: count, rows: rows, count: n, dimension: dimension,
                                    into: scores)
                for i in 0..<count {
                    offer(scores + i * n, count: n, of: chunk, from: start, visible: visible, to: top(i))
                }
                start += n
            }
        }
    }

    /// Offers the scores of `chunk`'s rows `start ..< start + count` to one
    /// query's selection, skipping filtered rows and rows past `visible`
    /// (they belong to an unfinished write).
    @inline(__always)
    private func offer(_ scores: UnsafePointer<Float>, count: Int, of chunk: IVFChunk, from start: Int, visible: Int,
                       to box: Box<TopK>) {
        var threshold = box.value.threshold
        for j in 0..<count where scores[j] >= threshold {
            let row = chunk.row(start + j)
            guard row < visible, filter?.contains(row) ?? true else { continue }
            box.value.insert(scores[j], row)
            threshold = box.value.threshold
        }
    }
}
