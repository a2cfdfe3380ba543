import TihuaCompute
import TihuaStore

/// Top-k among the rows a `RowFilter` allows: the answer ranks like brute
/// force over the allowed rows (ties by lower row), however few they are —
/// never the post-filtered top-k of an unfiltered search, which loses
/// results when the filter is selective.
///
/// Which path runs, by selectivity (the crossovers are measured in
/// Tools/bench/RESULTS.md, "Filtered search"):
/// - no allowed row: an empty answer;
/// - at most `gatherShare` of the rows (or `gatherRows`, whichever is more)
///   allowed: **exact over the allowed rows** — their vectors are gathered
///   from the blocks and scored, nothing else is read;
/// - an IVF search was asked for (`.ivf`, or `.automatic` on a collection
///   with an index) and the probed lists are expected to hold at least
///   `ivfRowsPerResult · k` allowed rows: **the probed IVF lists, scanned
///   with the filter** — rows outside it are skipped before selection, so
///   the answer is what IVF would return on the allowed rows alone
///   (approximate, as IVF is); with fewer expected, IVF could return fewer
///   than k, and the search is exact instead;
/// - otherwise: **the full exact scan with the row bitmap** checked before
///   each row enters the selection.
public enum FilteredSearch {
    /// Up to this share of the rows, gathering the allowed rows beats scanning all.
    static let gatherShare = 0.25
    static let gatherRows = 4096
    /// Allowed rows the probed lists must be expected to hold per result.
    static let ivfRowsPerResult = 8
    /// Rows gathered and scored per tile.
    static let tileRows = 512

    /// The path `search` takes (for tests and benchmarks).
    public enum Path: Sendable, Equatable {
        case none, gather, ivf, bitmap
    }

    public static func path(_ snapshot: CollectionSnapshot, filter: RowFilter, k: Int, method: SearchMethod) -> Path {
        if filter.allowed == 0 || snapshot.vectorCount == 0 { return .none }
        if filter.allowed <= max(gatherRows, Int(gatherShare * Double(snapshot.vectorCount))) { return .gather }
        let nprobe: Int?
        switch method {
        case .exact: nprobe = nil
        case .ivf(let n): nprobe = n
        case .automatic(let n): nprobe = snapshot.info.ivf == nil ? nil : n
        }
        if let nprobe, let lists = snapshot.info.ivf?.lists, lists > 0 {
            let expected = Double(filter.allowed) * Double(min(nprobe, lists)) / Double(lists)
            if expected >= Double(ivfRowsPerResult * min(k, filter.allowed)) { return .ivf }
        }
        return .bitmap
    }

    /// The `k` best allowed rows for each query.
    public static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int, filter: RowFilter,
                              method: SearchMethod) throws -> Neighbors {
        var kept = try SearchValidation.check(snapshot, queries: queries, k: k)
        kept = min(kept, filter.allowed)
        guard filter.rowCount == snapshot.vectorCount else {
            throw SearchError(.invalidArgument, "a row filter of \(filter.rowCount) rows does not fit collection '\(snapshot.name)' of \(snapshot.vectorCount)")
        }
        var result = Neighbors(queryCount: queries.count, k: max(1, kept))
        guard kept > 0, let dimension = snapshot.dimension else { return result }
        let tops: [TopK]
        switch path(snapshot, filter: filter, k: kept, method: method) {
        case .none:
            return result
        case .gather:
            tops = try gather(snapshot, queries: queries, rows: filter.rows, dimension: dimension, k: kept)
        case .ivf:
            var nprobe = SearchMethod.defaultNProbe
            if case .ivf(let n) = method { nprobe = n }
            if case .automatic(let n) = method { nprobe = n }
            return try IVFSearch.search(snapshot, queries: queries, k: kept, nprobe: nprobe, filter: filter)
        case .bitmap:
            tops = try bitmap(snapshot, queries: queries, filter: filter, dimension: dimension, k: kept)
        }
        for (q, top) in tops.enumerated() { result.set(query: q, top) }
        return result
    }

    /// Scores only `rows` (ascending), copied tile by tile out of their blocks.
    static func gather(_ snapshot: CollectionSnapshot, queries: QueryMatrix, rows: [Int], dimension: Int, k: Int) throws -> [TopK] {
        let blocks = try snapshot.blocks()
        guard let blockRows = blocks.first?.rows, blockRows > 0 else { return [] }
        let n = queries.count
        let parts = rows.count >= ExactSearch.parallelThreshold / 4 ? Parallel.cores : 1
        let partial = (0..<parts).map { _ in Box((0..<n).map { _ in TopK(k: k) }) }
        try queries.values.withUnsafeBufferPointer { qv in
            try snapshot.inParallel(count: rows.count, parts: parts) { _, part, range in
                let box = partial[part]
                var tile = [Float](repeating: 0, count: tileRows * dimension)
                var scores = [Float](repeating: 0, count: tileRows * n)
                tile.withUnsafeMutableBufferPointer { t in
                    scores.withUnsafeMutableBufferPointer { s in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let count = min(tileRows, range.upperBound - start)
                            for i in 0..<count {
                                let row = rows[start + i]
                                let block = blocks[row / blockRows]
                                (t.baseAddress! + i * dimension).update(from: block.vectors + (row - block.firstRow) * dimension,
                                                                        count: dimension)
                            }
                            if n == 1 {
                                RowScorer.scoreOne(query: qv.baseAddress!, rows: t.baseAddress!, count: count,
                                                   dimension: dimension, into: s.baseAddress!)
                            } else {
                                RowScorer.scoreMany(queries: qv.baseAddress!, queryCount: n, rows: t.baseAddress!, count: count,
                                                    dimension: dimension, into: s.baseAddress!)
                            }
                            for q in 0..<n {
                                let scored = s.baseAddress! + q * count
                                var threshold = box.value[q].threshold
                                for i in 0..<count where scored[i] >= threshold {
                                    box.value[q].insert(scored[i], rows[start + i])
                                    threshold = box.value[q].threshold
                                }
                            }
                            start += count
                        }
                    }
                }
            }
        }
        return merge(partial, queries: n)
    }

    /// Scores every row, block by block, and keeps only allowed ones.
    static func bitmap(_ snapshot: CollectionSnapshot, queries: QueryMatrix, filter: RowFilter, dimension: Int, k: Int) throws -> [TopK] {
        let blocks = try snapshot.blocks()
        let n = queries.count
        let parts = snapshot.vectorCount >= ExactSearch.parallelThreshold ? Parallel.cores : 1
        let partial = (0..<parts).map { _ in Box((0..<n).map { _ in TopK(k: k) }) }
        try queries.values.withUnsafeBufferPointer { qv in
            try snapshot.inParallel(count: snapshot.vectorCount, parts: parts) { _, part, range in
                let box = partial[part]
                var scores = [Float](repeating: 0, count: ExactSearch.strip * n)
                scores.withUnsafeMutableBufferPointer { s in
                    for block in blocks {
                        var row = max(range.lowerBound, block.firstRow)
                        let hi = min(range.upperBound, block.firstRow + block.rows)
                        while row < hi {
                            let count = min(ExactSearch.strip, hi - row)
                            let vectors = block.vectors + (row - block.firstRow) * dimension
                            if n == 1 {
                                RowScorer.scoreOne(query: qv.baseAddress!, rows: vectors, count: count, dimension: dimension,
                                                   into: s.baseAddress!)
                            } else {
                                RowScorer.scoreMany(queries: qv.baseAddress!, queryCount: n, rows: vectors, count: count,
                                                    dimension: dimension, into: s.baseAddress!)
                            }
                            for q in 0..<n {
                                let scored = s.baseAddress! + q * count
                                var threshold = box.value[q].threshold
                                for i in 0..<count where scored[i] >= threshold && filter.contains(row + i) {
                                    box.value[q].insert(scored[i], row + i)
                                    threshold = box.value[q].threshold
                                }
                            }
                            row += count
                        }
                    }
                }
            }
        }
        return merge(partial, queries: n)
    }

    private static func merge(_ partial: [Box<[TopK]>], queries n: Int) -> [TopK] {
        var tops = partial[0].value
        for p in partial.dropFirst() {
            for q in 0..<n { tops[q].merge(p.value[q]) }
        }
        return tops
    }
}
