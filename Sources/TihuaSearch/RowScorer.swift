import TihuaCompute

/// The seam between the scans and the stored encoding of vectors: exact and
/// IVF scans score stored rows only through here. Rows are float32 today
/// (`VectorDType.float32`); a compressed encoding plugs in by scoring its
/// own bytes here (or decoding them into a float32 scratch first).
enum RowScorer {
    /// `out[i] = query · row i` for `count` rows of `dimension` floats from
    /// `rows` (one query: the SIMD kernel, memory-bound).
    @inline(__always)
    static func scoreOne(query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int,
                         into out: UnsafeMutablePointer<Float>) {
        DotKernel.scores(query: query, rows: rows, count: count, dimension: dimension, into: out)
    }

    /// `out[q × count + i] = query q · row i` for `queryCount` row-major
    /// queries (a batch: one single-threaded `sgemm`, called from a scan's
    /// worker thread).
    @inline(__always)
    static func scoreMany(queries: UnsafePointer<Float>, queryCount: Int, rows: UnsafePointer<Float>, count: Int,
                          dimension: Int, into out: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(m: queryCount, n: count, k: dimension, a: queries, lda: dimension,
                   b: rows, ldb: dimension, bTransposed: true, c: out, ldc: count)
    }
}
