import TihuaCompute

/// Random inputs for the kernel tests.
extension SeededRandom {
    mutating func gaussians(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in scale * gaussian() }
    }

    /// Values that stress the arithmetic: huge (products overflow), tiny and
    /// subnormal, signed zeros, infinities, and ordinary ones.
    mutating func extremes(_ count: Int) -> [Float] {
        let specials: [Float] = [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                 1e30, -1e30, Float(bitPattern: 0x0001_1234), Float(bitPattern: 0x8000_ffff), .leastNonzeroMagnitude, .leastNormalMagnitude, 65504,
                                 65520, 1, -1]
        return (0..<count).map { _ in
            switch next() % 4 {
            case 0: specials[Int(next() % UInt64(specials.count))]
            case 1: gaussian() * Float(sign: .plus, exponent: Int(next() % 200) - 100, significand: 1)
            default: gaussian()
            }
        }
    }

    /// `count` unit rows of `dimension` around a low-dimensional latent, like
    /// embeddings (neighbourhoods and near-ties exist).
    mutating func unitRows(_ count: Int, _ dimension: Int, latent: Int = 8) -> [Float] {
        let basis = gaussians(latent * dimension)
        var out = [Float](repeating: 0, count: count * dimension)
        for r in 0..<count {
            let z = (0..<latent).map { gaussian() / Float($0 + 1) }
            var norm: Double = 0
            for j in 0..<dimension {
                var x = 0.05 * gaussian()
                for l in 0..<latent { x += z[l] * basis[l * dimension + j] }
                out[r * dimension + j] = x
                norm += Double(x) * Double(x)
            }
            for j in 0..<dimension { out[r * dimension + j] = Float(Double(out[r * dimension + j]) / norm.squareRoot()) }
        }
        return out
    }
}

/// Bitwise equality, except that any two NaNs are equal (a NaN's payload is
/// not part of the kernels' contract).
func sameBits(_ a: Float, _ b: Float) -> Bool {
    a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
}

/// Index of the first position where the arrays differ bitwise, or nil.
func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
    precondition(a.count == b.count)
    return a.indices.first { !sameBits(a[$0], b[$0]) }
}
