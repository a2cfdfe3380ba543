extension Kernels {
    /// x[n] ← act(x[n]), in place:
    ///   gelu       0.5·x·(1 + erf(x/√2))            (BERT, exact up to 1.5e-7 in erf)
    ///   geluTanh   0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))   (GPT-2's gelu_new)
    ///   quickGELU  x·σ(1.702·x)                     (CLIP's vision tower)
    @_optimize(speed)
    static func activate(_ x: UnsafeMutablePointer<Float>, count: Int, _ activation: Activation) {
        switch activation {
        case .gelu: FastMath.map(x, count: count, FastMath.gelu)
        case .geluTanh: FastMath.map(x, count: count, FastMath.geluTanh)
        case .quickGELU: FastMath.map(x, count: count, FastMath.quickGELU)
        }
    }
}
