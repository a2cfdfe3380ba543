import TihuaCompute

/// The nearest centroid (largest inner product) of every row of several
/// row-major segments: one `sgemm` per slice of a segment, then an argmax
/// per row. The cores take turns over slices, each with single-threaded
/// BLAS (no oversubscription, and no core idles during the argmax).
enum NearestList {
    /// A run of `rows` vectors whose results go to `firstIndex...`.
    struct Segment {
        let vectors: UnsafePointer<Float>
        let rows: Int
        let firstIndex: Int
    }

    static let sliceRows = 1024

    /// `assignment[firstIndex + i]` for every row of every segment; `count`
    /// is the total length of the result.
    static func assign(_ segments: [Segment], count: Int, centroids: UnsafePointer<Float>, lists: Int,
                       dimension: Int) -> [UInt32] {
        // Cut segments into slices that bound the score buffer.
        var slices: [Segment] = []
        for s in segments {
            var start = 0
            while start < s.rows {
                let n = min(sliceRows, s.rows - start)
                slices.append(Segment(vectors: s.vectors + start * dimension, rows: n, firstIndex: s.firstIndex + start))
                start += n
            }
        }
        var assignment = [UInt32](repeating: 0, count: count)
        assignment.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            BLAS.withThreads(1) {
                Parallel.forEachChunk(count: slices.count) { _, range in
                    var scores = [Float](repeating: 0, count: sliceRows * lists)
                    scores.withUnsafeMutableBufferPointer { s in
                        let s = s.baseAddress!
                        for slice in slices[range] {
                            BLAS.sgemm(m: slice.rows, n: lists, k: dimension, a: slice.vectors, lda: dimension,
                                       b: centroids, ldb: dimension, bTransposed: true, c: s, ldc: lists)
                            for i in 0..<slice.rows {
                                out[slice.firstIndex + i] = UInt32(argmax(s + i * lists, lists))
                            }
                        }
                    }
                }
            }
        }
        return assignment
    }

    /// Index of the largest value (ties: the lower index).
    @inline(__always)
    static func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
        var best = 0
        var bestScore = p[0]
        for j in 1..<n where p[j] > bestScore {
            best = j
            bestScore = p[j]
        }
        return best
    }
}
