import TihuaStore
import TihuaSearch
import TihuaModels
import TihuaCompute

/// Unit vectors shaped like real embeddings for benchmarks: a Gaussian
/// latent of `latent` dimensions with a decaying spectrum, mapped to
/// `dimension` by a fixed random matrix, plus small isotropic noise.
/// (Uniform random vectors have no neighbourhoods, so IVF would be moot.)
struct SyntheticEmbeddings {
    let dimension: Int
    let latent: Int
    private let basis: [Float]  // latent × dimension

    init(dimension: Int, latent: Int = 48, seed: UInt64 = 7) {
        self.dimension = dimension
        self.latent = latent
        var rng = SeededRandom(seed: seed)
        basis = (0..<(latent * dimension)).map { _ in rng.gaussian() / Float(dimension).squareRoot() }
    }

    /// `count` unit rows, row-major.
    func make(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var out = [Float](repeating: 0, count: count * dimension)
        for r in 0..<count {
            let z = (0..<latent).map { rng.gaussian() / Float($0 + 1).squareRoot() }
            var norm: Float = 0
            for j in 0..<dimension {
                var x: Float = 0.05 * rng.gaussian() / Float(dimension).squareRoot()
                for l in 0..<latent { x += z[l] * basis[l * dimension + j] }
                out[r * dimension + j] = x
                norm += x * x
            }
            let inv = 1 / norm.squareRoot()
            for j in 0..<dimension { out[r * dimension + j] *= inv }
        }
        return out
    }
}
