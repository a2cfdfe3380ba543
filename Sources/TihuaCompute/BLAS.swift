import COpenBLAS

/// Row-major single-precision matrix products on OpenBLAS.
///
/// OpenBLAS runs single-threaded, set once before its first use and never
/// changed: Debian's OpenBLAS (0.3.21, pthreads) has one process-wide thread
/// count and no per-call one, so changing it at run time would race with
/// other threads' products. Parallel products are split here instead, over
/// threads that `ComputeBudget` accounts for (see there).
public enum BLAS {
    /// Set before the first product: OpenBLAS's own threads never run.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// C[m×n] = alpha · A[m×k] · op(B) + beta · C, all row-major, on the
    /// calling thread. `bTransposed == true` means B is stored as [n×k]
    /// (the layout of a PyTorch `nn.Linear` weight or of a block of stored
    /// vectors).
    public static func sgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0)
        if m == 0 || n == 0 { return }
        _ = singleThreaded
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, bTransposed ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// Products smaller than this many multiply-adds run on one thread:
    /// waking another (about 10 µs) costs more than it saves. A 1M-MAC
    /// product takes 50 µs in cache and several times that when its weights
    /// stream from memory (GPT-2 decoding one token: 768 × 2304).
    static let parallelThreshold = 1 << 20

    /// The same product split into at most `threads` panels computed at
    /// once: column panels of C (each thread reads its share of B, the
    /// weights of a linear layer) when C is wide enough, else row panels.
    /// The panels only partition C: each element is the same dot product
    /// as in the single-threaded call, to float rounding (OpenBLAS may use
    /// another kernel at a panel's edge).
    public static func sgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0, threads: Int
    ) {
        let work = Double(m) * Double(n) * Double(k)
        let byColumns = n >= 64 * threads
        let units = byColumns ? (n + 15) / 16 : m
        let parts = work < Double(parallelThreshold) ? 1 : min(threads, units)
        if parts <= 1 {
            sgemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, bTransposed: bTransposed,
                  c: c, ldc: ldc, alpha: alpha, beta: beta)
            return
        }
        Parallel.forEachChunk(count: units, parts: parts) { _, range in
            if byColumns {
                let lo = range.lowerBound * 16, hi = min(n, range.upperBound * 16)
                sgemm(m: m, n: hi - lo, k: k, a: a, lda: lda,
                      b: bTransposed ? b + lo * ldb : b + lo, ldb: ldb, bTransposed: bTransposed,
                      c: c + lo, ldc: ldc, alpha: alpha, beta: beta)
            } else {
                sgemm(m: range.count, n: n, k: k, a: a + range.lowerBound * lda, lda: lda,
                      b: b, ldb: ldb, bTransposed: bTransposed,
                      c: c + range.lowerBound * ldc, ldc: ldc, alpha: alpha, beta: beta)
            }
        }
    }
}
