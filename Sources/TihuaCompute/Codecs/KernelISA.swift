import CTihuaKernels

/// The instruction set the SIMD kernels of `CTihuaKernels` run with.
///
/// Every level gives bit-identical results (the portable code performs the
/// same IEEE operations in the same order), so the level changes speed only.
/// Asking for a level the CPU lacks runs the portable code.
public enum KernelISA: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Plain C, any CPU.
    case portable = 0
    /// x86-64 with AVX2, FMA and F16C.
    case avx2 = 1

    /// The fastest level this CPU supports (checked once).
    public static let best = KernelISA(rawValue: Int32(tihua_kernels_best_isa())) ?? .portable

    /// Whether this CPU can run the level's own code.
    public var isSupported: Bool { rawValue <= Self.best.rawValue }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2+fma+f16c"
        }
    }
}
