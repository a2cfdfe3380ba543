import COpenBLAS

/// Row-major single-precision matrix products on OpenBLAS.
public enum BLAS {
    /// C[m×n] = alpha · A[m×k] · op(B) + beta · C, all row-major.
    /// `bTransposed == true` means B is stored as [n×k] (the layout of a
    /// PyTorch `nn.Linear` weight or of a block of stored vectors).
    @inlinable
    public static func sgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0)
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, bTransposed ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Runs `body` with OpenBLAS limited to `count` threads, then restores the
    /// previous setting. Use it around code that already parallelises over the
    /// cores itself, so that the two kinds of threads do not oversubscribe them.
    public static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        let saved = threads
        threads = count
        defer { threads = saved }
        return try body()
    }
}
