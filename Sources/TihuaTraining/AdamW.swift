import TihuaCompute
import TihuaModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// AdamW as `torch.optim.AdamW` (not fused, not amsgrad) computes it, in
/// the same order of float32 operations:
///   θ ← θ·(1 − lr·λ)                 (λ only for tensors whose layout entry decays)
///   m ← m + (1 − β1)·(g − m)
///   v ← v·β2 + (1 − β2)·g²
///   θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
public final class AdamW {
    public struct Settings: Sendable, Equatable, Codable {
        public var beta1: Double = 0.9
        public var beta2: Double = 0.95
        public var epsilon: Double = 1e-8
        public var weightDecay: Double = 0.1
        public init(beta1: Double = 0.9, beta2: Double = 0.95, epsilon: Double = 1e-8, weightDecay: Double = 0.1) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public let settings: Settings
    public let layout: ParameterLayout
    /// First and second moments, in the parameters' layout.
    public let m: GPT2Parameters
    public let v: GPT2Parameters
    /// Steps taken (PyTorch's `step`; bias corrections use it).
    public var step = 0

    public init(layout: ParameterLayout, settings: Settings) {
        self.layout = layout
        self.settings = settings
        m = GPT2Parameters(zerosLike: layout)
        v = GPT2Parameters(zerosLike: layout)
    }

    /// One update of `parameters` from `gradients` at learning rate `lr`.
    public func update(_ parameters: GPT2Parameters, gradients: GPT2Parameters, learningRate lr: Double) {
        step += 1
        let s = settings
        let correction1 = 1 - pow(s.beta1, Double(step)), correction2 = 1 - pow(s.beta2, Double(step))
        let stepSize = Float(lr / correction1), correction2Root = Float(correction2.squareRoot())
        let mixM = Float(1 - s.beta1), beta2 = Float(s.beta2), mixV = Float(1 - s.beta2), eps = Float(s.epsilon)
        let p = parameters.pointer, g = gradients.pointer, mp = m.pointer, vp = v.pointer
        for entry in layout.entries {
            let decay = Float(1 - lr * (entry.decays ? s.weightDecay : 0))
            let base = entry.offset
            Parallel.forEachChunk(count: entry.count, parts: entry.count >= 1 << 15 ? Parallel.cores : 1, minChunk: 4096) { _, range in
                for j in range {
                    let i = base + j
                    if entry.decays { p[i] *= decay }
                    mp[i] += mixM * (g[i] - mp[i])
                    vp[i] = vp[i] * beta2 + mixV * (g[i] * g[i])
                    let denom = vp[i].squareRoot() / correction2Root + eps
                    p[i] += -stepSize * (mp[i] / denom)
                }
            }
        }
    }

    /// Scales the gradients so that their global L2 norm is at most
    /// `maxNorm`, as `torch.nn.utils.clip_grad_norm_` (coefficient
    /// maxNorm / (norm + 1e-6), applied when below 1). Returns the norm before.
    @discardableResult
    public static func clipGradients(_ gradients: GPT2Parameters, maxNorm: Double) -> Double {
        let g = gradients.pointer, n = gradients.count
        let parts = Parallel.cores
        var partial = [Double](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { sums in
            Parallel.forEachChunk(count: n, parts: parts, minChunk: 1 << 14) { chunk, range in
                var s = 0.0
                for i in range { s += Double(g[i]) * Double(g[i]) }
                sums[chunk] = s
            }
        }
        let norm = partial.reduce(0, +).squareRoot()
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            let f = Float(coefficient)
            Parallel.forEachChunk(count: n, parts: parts, minChunk: 1 << 14) { _, range in
                for i in range { g[i] *= f }
            }
        }
        return norm
    }
}

/// Linear warmup from 0 to the peak, then a cosine down to `minimum` at `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var peak: Double
    public var minimum: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peak: Double, minimum: Double, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.minimum = minimum
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The rate of step `step` (1-based).
    public func rate(step: Int) -> Double {
        if step <= warmupSteps { return peak * Double(step) / Double(max(1, warmupSteps)) }
        let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
        return minimum + 0.5 * (peak - minimum) * (1 + cos(Double.pi * progress))
    }
}
