/// Assignment of vectors to their nearest centroid by inner product (the
/// coarse quantizer of an IVF index; vectors and centroids are unit length).
public enum NearestCentroid {
    /// For each of `count` row-major vectors, the index of the centroid with
    /// the largest dot product (ties: the lower index). One `sgemm` per
    /// slice of at most `sliceRows` vectors bounds the score buffer.
    public static func assign(
        vectors: UnsafePointer<Float>, count: Int,
        centroids: UnsafePointer<Float>, centroidCount: Int, dimension: Int,
        sliceRows: Int = 4096
    ) -> [UInt32] {
        precondition(centroidCount > 0 && dimension > 0)
        var result = [UInt32](repeating: 0, count: count)
        let slice = max(1, min(sliceRows, count))
        var scores = [Float](repeating: 0, count: slice * centroidCount)
        var start = 0
        while start < count {
            let n = min(slice, count - start)
            scores.withUnsafeMutableBufferPointer { s in
                BLAS.sgemm(m: n, n: centroidCount, k: dimension,
                           a: vectors + start * dimension, lda: dimension,
                           b: centroids, ldb: dimension, bTransposed: true,
                           c: s.baseAddress!, ldc: centroidCount)
                for i in 0..<n {
                    result[start + i] = UInt32(argmax(s.baseAddress! + i * centroidCount, centroidCount))
                }
            }
            start += n
        }
        return result
    }

    /// Centroid indices ordered by decreasing dot product with `vector`.
    public static func ranked(
        vector: UnsafePointer<Float>, centroids: UnsafePointer<Float>, centroidCount: Int, dimension: Int
    ) -> [Int] {
        var scores = [Float](repeating: 0, count: centroidCount)
        for c in 0..<centroidCount {
            scores[c] = VectorMath.dot(vector, centroids + c * dimension, dimension)
        }
        return (0..<centroidCount).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }

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
