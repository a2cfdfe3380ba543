/// SplitMix64: small, fast and reproducible, so that IVF builds with the
/// same seed train the same centroids.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` distinct integers of `0..<n`, in increasing order.
    mutating func sample(_ count: Int, of n: Int) -> [Int] {
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
}
