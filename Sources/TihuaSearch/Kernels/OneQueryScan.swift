import TihuaCompute

/// Exact top-k of one query over rows of any encoding: the SIMD kernel of
/// the query's encoding scores a strip of rows into a buffer, and only the
/// scores that reach the current threshold enter the heap. Rows are split
/// between the cores (contiguous ranges, one `TopK` each, merged), as the
/// float32 scan of `ExactSearch` does: the scan streams memory, and one core
/// alone does not saturate it.
///
/// Stateless: any number of threads may scan at once.
package enum OneQueryScan {
    /// Below this many rows one thread scans: waking another costs more.
    static let parallelThreshold = 16384
    /// Rows scored per kernel call before selection.
    static let strip = 256

    /// The `k` best of rows `0 ..< total`, which `runs` cover (in any order,
    /// without overlap), best first; ties by lower row.
    package static func search(_ query: PreparedQuery, runs: [EncodedRows], total: Int, k: Int,
                               parts: Int = Parallel.cores) -> [(score: Float, row: Int)] {
        guard total > 0, k > 0 else { return [] }
        return top(query, runs: runs, total: total, k: k, parts: parts).sorted()
    }

    static func top(_ query: PreparedQuery, runs: [EncodedRows], total: Int, k: Int, parts: Int) -> TopK {
        let bytesPerRow = query.encoding.bytesPerRow(dimension: query.dimension)
        let parts = total >= parallelThreshold ? max(1, parts) : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: min(k, total))) }
        Parallel.forEachChunk(count: total, parts: parts) { part, range in
            let box = partial[part]
            withUnsafeTemporaryAllocation(of: Float.self, capacity: strip) { buffer in
                let scores = buffer.baseAddress!
                for run in runs {
                    var row = max(range.lowerBound, run.firstRow)
                    let end = min(range.upperBound, run.firstRow + run.count)
                    while row < end {
                        let n = min(strip, end - row)
                        query.scores(run.base + (row - run.firstRow) * bytesPerRow, count: n, into: scores)
                        ExactSearch.select(scores, count: n, firstRow: row, into: &box.value)
                        row += n
                    }
                }
            }
        }
        var top = partial[0].value
        for p in partial.dropFirst() { top.merge(p.value) }
        return top
    }
}
