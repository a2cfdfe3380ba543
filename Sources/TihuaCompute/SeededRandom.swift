#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// xoshiro256** seeded through SplitMix64: pure integer arithmetic, so the
/// same seed gives the same sequence on every machine and every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box–Muller).
    public mutating func gaussian() -> Float {
        let u = 1 - nextUnit()  // in (0, 1]: log(u) is finite
        let v = nextUnit()
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }

    /// `count` distinct integers of `0..<n`, in increasing order.
    public mutating func sample(_ count: Int, of n: Int) -> [Int] {
        precondition(count <= n)
        if count == n { return Array(0..<n) }
        // Partial Fisher–Yates over an identity permutation.
        var items = Array(0..<n)
        for i in 0..<count {
            let j = Int.random(in: i..<n, using: &self)
            items.swapAt(i, j)
        }
        return items[0..<count].sorted()
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
