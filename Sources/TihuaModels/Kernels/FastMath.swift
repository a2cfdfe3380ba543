/// Vectorised exp, erf and the activations built on them, eight floats at a
/// time in plain SIMD arithmetic (no libm call per element). The element-wise
/// passes of a forward (GELU over [N, 3072], softmax over every attention
/// row) otherwise cost a sizeable share of the matrix products' time.
///
/// The hot functions carry `@_optimize(speed)` so that debug builds (the
/// test suite) run them optimised too; generic SIMD code is very slow unoptimised.
package enum FastMath {
    package typealias V = SIMD8<Float>

    /// e^x to about 2 ulp (Cephes' expf polynomial): x = n·ln2 + r with
    /// |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^n put into the exponent.
    /// Below −87.3 the result is exactly 0 (a −∞ or −Float.max mask vanishes),
    /// above log(Float.max) ≈ 88.72 it is +∞, and in between the argument is
    /// clamped to 88 (the activations and softmax never get that far).
    @inline(__always) @_optimize(speed)
    package static func exp(_ x: V) -> V {
        // (compare-and-select: SIMD's clamped() is not inlined and costs more than the polynomial)
        var clamped = x.replacing(with: -87.3, where: x .< -87.3)
        clamped.replace(with: 88, where: clamped .> 88)
        // n = round(x / ln2) by the 1.5·2²³ trick, which works in any SIMD width.
        let magic = V(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * (r * r) + r + 1
        // 2^n: the integer n sits in the low bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: V.self)
        var result = er * scale
        result.replace(with: 0, where: x .< -87.3)
        result.replace(with: .infinity, where: x .> 88.722_84)
        return result
    }

    /// erf(x) with absolute error below 1.5e-7 (Abramowitz & Stegun 7.1.26).
    @inline(__always) @_optimize(speed)
    static func erf(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-(a * a))
        return y.replacing(with: -y, where: x .< 0)
    }

    /// x·σ(1.702·x)
    @inline(__always) @_optimize(speed)
    static func quickGELU(_ x: V) -> V { x / (1 + exp(-1.702 * x)) }

    /// 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as
    /// x·σ(2u) (the same function, without the cancellation of 1 + tanh).
    @inline(__always) @_optimize(speed)
    package static func geluTanh(_ x: V) -> V {
        let u = 0.797_884_560_802_865_4 * (x + 0.044715 * x * x * x)
        return x / (1 + exp(-2 * u))
    }

    /// 0.5·x·(1 + erf(x/√2))
    @inline(__always) @_optimize(speed)
    static func gelu(_ x: V) -> V { 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_6)) }

    /// Σ x[0..<count] with eight running sums.
    @_optimize(speed)
    package static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count { acc += raw.loadUnaligned(fromByteOffset: i * 4, as: V.self); i += 8 }
        var s = acc.sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// Σ (x − mean)² over x[0..<count] with eight running sums.
    @_optimize(speed)
    package static func squaredDeviation(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        var acc = V()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self) - mean
            acc += d * d
            i += 8
        }
        var s = acc.sum()
        while i < count { let d = x[i] - mean; s += d * d; i += 1 }
        return s
    }

    /// Applies `f` to x[0..<count] in place, eight at a time; the tail goes
    /// through the same vector code, so every element gets the same formula.
    @_optimize(speed)
    package static func map(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (V) -> V) {
        var i = 0
        let raw = UnsafeMutableRawPointer(x)
        while i + 8 <= count {
            raw.storeBytes(of: f(raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)), toByteOffset: i * 4, as: V.self)
            i += 8
        }
        if i < count {
            var v = V()
            for j in 0..<(count - i) { v[j] = x[i + j] }
            let y = f(v)
            for j in 0..<(count - i) { x[i + j] = y[j] }
        }
    }
}
