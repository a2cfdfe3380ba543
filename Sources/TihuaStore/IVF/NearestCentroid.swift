import TihuaCompute

/// Assignment of vectors to their nearest centroid by inner product: the
/// coarse quantizer of the IVF index (vectors and centroids are unit length).
enum NearestCentroid {
    /// A run of `rows` row-major vectors whose results go to `firstIndex…`.
    struct Segment {
        let vectors: UnsafePointer<Float>
        let rows: Int
        let firstIndex: Int

        init(vectors: UnsafePointer<Float>, rows: Int, firstIndex: Int) {
            self.vectors = vectors
            self.rows = rows
            self.firstIndex = firstIndex
        }
    }

    static let sliceRows = 1024

    /// `assignment[firstIndex + i]` = the centroid with the largest dot
    /// product (ties: the lower index) for every row of every segment;
    /// `count` is the result's length. One `sgemm` per slice of at most 1024
    /// rows bounds the score buffer; the cores take turns over slices, each
    /// with single-threaded BLAS (see `ComputeBudget`), so no core idles
    /// during the argmax.
    static func assign(_ segments: [Segment], count: Int, centroids: UnsafePointer<Float>,
                       centroidCount: Int, dimension: Int) -> [UInt32] {
        precondition(centroidCount > 0 && dimension > 0)
        // Many centroids: fewer rows a slice, so that the scores stay near 16 MiB.
        let sliceRows = max(1, min(Self.sliceRows, (4 << 20) / centroidCount))
        var slices: [Segment] = []
        for s in segments {
            for start in stride(from: 0, to: s.rows, by: sliceRows) {
                slices.append(Segment(vectors: s.vectors + start * dimension, rows: min(sliceRows, s.rows - start),
                                      firstIndex: s.firstIndex + start))
            }
        }
        var assignment = [UInt32](repeating: 0, count: count)
        assignment.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            Parallel.forEachChunk(count: slices.count) { _, range in
                var scores = [Float](repeating: 0, count: sliceRows * centroidCount)
                scores.withUnsafeMutableBufferPointer { s in
                    let s = s.baseAddress!
                    for slice in slices[range] {
                        BLAS.sgemm(m: slice.rows, n: centroidCount, k: dimension, a: slice.vectors, lda: dimension,
                                   b: centroids, ldb: dimension, bTransposed: true, c: s, ldc: centroidCount)
                        for i in 0..<slice.rows {
                            out[slice.firstIndex + i] = UInt32(argmax(s + i * centroidCount, centroidCount))
                        }
                    }
                }
            }
        }
        return assignment
    }

    /// The nearest centroid of each of `count` contiguous vectors.
    static func assign(vectors: UnsafePointer<Float>, count: Int, centroids: UnsafePointer<Float>,
                       centroidCount: Int, dimension: Int) -> [UInt32] {
        assign([Segment(vectors: vectors, rows: count, firstIndex: 0)], count: count, centroids: centroids,
               centroidCount: centroidCount, dimension: dimension)
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
