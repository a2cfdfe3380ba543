#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Kernels {
    /// LayerNorm over the channels of each row:
    ///   out[N, C] = (inp[N, C] − mean) / √(var + eps) · weight[C] + bias[C]
    /// (biased variance, as PyTorch). `out` may equal `inp`.
    @_optimize(speed)
    static func layerNorm(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        rows: Int, channels: Int, eps: Float
    ) {
        forEachRowRange(rows: rows, width: channels) { range in
            for r in range {
                let x = inp + r * channels, y = out + r * channels
                let mean = FastMath.sum(x, count: channels) / Float(channels)
                let squares = FastMath.squaredDeviation(x, count: channels, mean: mean)
                let rstd = 1 / sqrtf(squares / Float(channels) + eps)
                for c in 0..<channels { y[c] = (x[c] - mean) * rstd * weight[c] + bias[c] }
            }
        }
    }

    /// x[n] ← exp(x − max) / Σ exp(x − max), in place. Entries at −∞ (or
    /// −Float.greatestFiniteMagnitude added as a mask) become exactly 0.
    @_optimize(speed)
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var maxValue = x[0]
        for i in 1..<count where x[i] > maxValue { maxValue = x[i] }
        FastMath.map(x, count: count) { FastMath.exp($0 - maxValue) }
        let inv = 1 / FastMath.sum(x, count: count)
        for i in 0..<count { x[i] *= inv }
    }
}
