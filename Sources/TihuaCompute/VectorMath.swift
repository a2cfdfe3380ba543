/// Small vector helpers shared by the store, search and models.
public enum VectorMath {
    /// Dot product of two float vectors of length `n`, 4 independent SIMD
    /// accumulators so the adds pipeline.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= n {
            s0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD8<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: (i + 24) * 4, as: SIMD8<Float>.self)
            i += 32
        }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// Euclidean norm, accumulated in Double so that long vectors of large
    /// values neither overflow nor lose precision.
    @inlinable
    public static func norm(_ a: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { let x = Double(a[i]); s += x * x }
        return s.squareRoot()
    }

    /// Scales `a` to unit length in place. Returns false (and leaves `a`
    /// unchanged) when its norm is zero or not finite.
    @inlinable
    @discardableResult
    public static func normalize(_ a: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        let nrm = norm(a, n)
        guard nrm > 0, nrm.isFinite else { return false }
        let inv = 1.0 / nrm
        for i in 0..<n { a[i] = Float(Double(a[i]) * inv) }
        return true
    }
}
