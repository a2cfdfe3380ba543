import Synchronization
import TihuaCompute

/// Exact top-k of one query over rows of any encoding: the SIMD kernel of
/// the query's encoding scores a strip of rows into a buffer, and only the
/// scores that reach the current threshold enter the heap. The cores share
/// the rows (one `TopK` each, merged at the end), as the float32 scan of
/// `ExactSearch` does: the scan streams memory, and one core alone does not
/// saturate it. They claim the rows in chunks rather than fixed halves, so
/// that when another process delays one core the other scans its share.
/// Which core scores a row does not change its score, and the merged top-k
/// is ordered by (score, row), so results do not depend on the split.
///
/// Stateless: any number of threads may scan at once.
package enum OneQueryScan {
    /// Below this many rows one thread scans: waking another costs more.
    static let parallelThreshold = 16384
    /// Rows scored per kernel call before selection (the kernels prefetch
    /// rows ahead within a call: longer calls leave fewer unfetched starts).
    static let strip = 1024
    /// Chunks per core when the cores share the rows, and their least size.
    static let chunksPerCore = 8
    static let minimumChunk = 4096

    /// The `k` best of rows `0 ..< total`, which `runs` cover (in any order,
    /// without overlap), best first; ties by lower row.
    package static func search(_ query: PreparedQuery, runs: [EncodedRows], total: Int, k: Int,
                               parts: Int = Parallel.cores) -> [(score: Float, row: Int)] {
        guard total > 0, k > 0 else { return [] }
        return top(query, runs: runs, total: total, k: k, parts: parts).sorted()
    }

    static func top(_ query: PreparedQuery, runs: [EncodedRows], total: Int, k: Int, parts: Int) -> TopK {
        let bytesPerRow = query.encoding.bytesPerRow(dimension: query.dimension)
        let runs = runs.sorted { $0.firstRow < $1.firstRow }
        let parts = total >= parallelThreshold ? max(1, parts) : 1
        let chunk = parts == 1 ? total : max(minimumChunk, (total + parts * chunksPerCore - 1) / (parts * chunksPerCore))
        let chunks = (total + chunk - 1) / chunk
        let claimed = Atomic<Int>(0)
        let partial = (0..<parts).map { _ in Box(TopK(k: min(k, total))) }
        Parallel.forEachChunk(count: parts, parts: parts) { part, _ in
            let box = partial[part]
            withUnsafeTemporaryAllocation(of: Float.self, capacity: strip) { buffer in
                let scores = buffer.baseAddress!
                while true {
                    let c = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard c < chunks else { break }
                    let lo = c * chunk, hi = min(total, lo + chunk)
                    // The first run that ends after `lo`.
                    var r = runs.partitioningIndex { $0.firstRow + $0.count > lo }
                    while r < runs.count && runs[r].firstRow < hi {
                        let run = runs[r]
                        var row = max(lo, run.firstRow)
                        let end = min(hi, run.firstRow + run.count)
                        while row < end {
                            let n = min(strip, end - row)
                            query.scores(run.base + (row - run.firstRow) * bytesPerRow, count: n, into: scores)
                            ExactSearch.select(scores, count: n, firstRow: row, into: &box.value)
                            row += n
                        }
                        r += 1
                    }
                }
            }
        }
        var top = partial[0].value
        for p in partial.dropFirst() { top.merge(p.value) }
        return top
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for a predicate
    /// that is false then true along the array (binary search).
    fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongs(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
