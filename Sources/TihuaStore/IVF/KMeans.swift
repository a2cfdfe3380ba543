import TihuaCompute

/// Spherical k-means: centroids are kept at unit length and points join the
/// centroid of largest inner product — the right clustering for unit
/// vectors compared by cosine (an IVF coarse quantizer).
public enum KMeans {
    public struct Result: Sendable {
        /// `clusters × dimension`, row-major, unit rows.
        public let centroids: [Float]
        /// Iterations run (fewer than asked when assignments stopped changing).
        public let iterations: Int
    }

    /// Trains `clusters` centroids on `count` unit rows. Initial centroids are
    /// distinct random points; a cluster that empties is re-seeded by
    /// splitting the largest one. The same seed gives the same centroids.
    /// `progress(iteration)` runs after each iteration and may throw to stop.
    public static func train(points: UnsafePointer<Float>, count: Int, dimension: Int, clusters: Int,
                             iterations: Int, seed: UInt64,
                             progress: (Int) throws -> Void = { _ in }) throws -> Result {
        guard dimension >= 1, clusters >= 1, clusters <= count, iterations >= 1 else {
            throw StoreError(.invalidInput, "k-means needs 1…\(count) clusters of \(count) points, a dimension and an iteration (got \(clusters) clusters, dimension \(dimension), \(iterations) iterations)")
        }
        var rng = SeededRandom(seed: seed)
        var centroids = [Float](repeating: 0, count: clusters * dimension)
        let initial = rng.sample(clusters, of: count)
        for (c, p) in initial.enumerated() {
            for j in 0..<dimension { centroids[c * dimension + j] = points[p * dimension + j] }
        }
        var assignment = [UInt32](repeating: UInt32.max, count: count)
        var done = 0
        for iteration in 1...iterations {
            let next = centroids.withUnsafeBufferPointer {
                NearestCentroid.assign(vectors: points, count: count, centroids: $0.baseAddress!,
                                       centroidCount: clusters, dimension: dimension)
            }
            let changed = zip(next, assignment).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
            assignment = next
            done = iteration
            if changed == 0 { break }
            update(&centroids, points: points, assignment: assignment, clusters: clusters, dimension: dimension,
                   rng: &rng)
            try progress(iteration)
        }
        return Result(centroids: centroids, iterations: done)
    }

    /// Each centroid becomes the normalised sum of its points; empty
    /// clusters are re-seeded by splitting the largest.
    static func update(_ centroids: inout [Float], points: UnsafePointer<Float>, assignment: [UInt32],
                       clusters: Int, dimension: Int, rng: inout SeededRandom) {
        var sums = [Float](repeating: 0, count: clusters * dimension)
        var sizes = [Int](repeating: 0, count: clusters)
        sums.withUnsafeMutableBufferPointer { s in
            for (i, c) in assignment.enumerated() {
                let c = Int(c)
                sizes[c] += 1
                let dst = s.baseAddress! + c * dimension, src = points + i * dimension
                for j in 0..<dimension { dst[j] += src[j] }
            }
        }
        for c in 0..<clusters where sizes[c] > 0 {
            sums.withUnsafeMutableBufferPointer { s in
                let row = s.baseAddress! + c * dimension
                if VectorMath.normalize(row, dimension) {
                    for j in 0..<dimension { centroids[c * dimension + j] = row[j] }
                }
            }
        }
        for empty in 0..<clusters where sizes[empty] == 0 {
            let largest = sizes.indices.max { sizes[$0] < sizes[$1] }!
            guard sizes[largest] > 1 else { break }
            split(&centroids, largest, into: empty, dimension: dimension, rng: &rng)
            sizes[empty] = sizes[largest] / 2
            sizes[largest] -= sizes[empty]
        }
    }

    /// Moves centroid `a` and `b` a small random step either side of `a`.
    static func split(_ centroids: inout [Float], _ a: Int, into b: Int, dimension: Int, rng: inout SeededRandom) {
        let step: Float = 1e-3
        centroids.withUnsafeMutableBufferPointer { c in
            let ca = c.baseAddress! + a * dimension, cb = c.baseAddress! + b * dimension
            for j in 0..<dimension {
                let r = Float.random(in: -1...1, using: &rng) * step
                cb[j] = ca[j] + r
                ca[j] -= r
            }
            VectorMath.normalize(ca, dimension)
            VectorMath.normalize(cb, dimension)
        }
    }
}
