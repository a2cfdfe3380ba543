import TihuaCompute
import CTihuaKernels

/// Ranks the coarse centroids of an IVF index for one query: the float32
/// SIMD kernel scores the query against all of them (they are few and often
/// in cache, where a one-row `sgemm` spends its time packing), then a
/// bounded selection keeps the `keep` best.
package enum CentroidRanking {
    /// The `keep` best of `lists` centroids (row-major, `dimension` floats
    /// each), best first; ties by lower list.
    package static func rank(query: UnsafePointer<Float>, centroids: UnsafePointer<Float>, lists: Int, dimension: Int,
                             keep: Int, isa: KernelISA = .best) -> [Int] {
        precondition(lists > 0 && dimension > 0 && keep > 0)
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: lists) { scores in
            tihua_dot_f32(isa.rawValue, query, centroids, lists, dimension, scores.baseAddress!)
            return pick(scores: scores.baseAddress!, lists: lists, keep: keep)
        }
    }

    /// The `keep` best of `lists` scores, best first; ties by lower index.
    package static func pick(scores: UnsafePointer<Float>, lists: Int, keep: Int) -> [Int] {
        var top = TopK(k: min(keep, lists))
        ExactSearch.select(scores, count: lists, firstRow: 0, into: &top)
        return top.sorted().map(\.row)
    }
}
