import COpenBLAS

extension BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major, where
    /// op(A) is [m×k]: A stored [m×k], or [k×m] with `aTransposed` (the
    /// weight gradient Xᵀ·dY of a linear layer).
    @inlinable
    public static func sgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, aTransposed: Bool,
        b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0)
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, aTransposed ? CblasTrans : CblasNoTrans, bTransposed ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }
}
