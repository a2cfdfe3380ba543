#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Kernels {
    /// x[n] ← act(x[n]), in place.
    static func activate(_ x: UnsafeMutablePointer<Float>, count: Int, _ activation: Activation) {
        switch activation {
        case .gelu: for i in 0..<count { x[i] = gelu(x[i]) }
        case .geluTanh: for i in 0..<count { x[i] = geluTanh(x[i]) }
        case .quickGELU: for i in 0..<count { x[i] = quickGELU(x[i]) }
        }
    }

    /// Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).
    @inline(__always)
    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + erff(x * 0.707_106_781_186_547_6))
    }

    /// GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    @inline(__always)
    static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(0.797_884_560_802_865_4 * (x + 0.044715 * x * x * x)))
    }

    /// CLIP's quick GELU: x·σ(1.702·x).
    @inline(__always)
    static func quickGELU(_ x: Float) -> Float {
        x / (1 + expf(-1.702 * x))
    }
}
