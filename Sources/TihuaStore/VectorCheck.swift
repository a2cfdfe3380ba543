import TihuaCompute

/// Validation and L2 normalisation of vectors on their way into a collection.
public enum VectorCheck {
    /// Normalises `count` row-major vectors in place. A NaN or infinite
    /// component, or a zero vector, is an error naming the row through
    /// `describe(row)` (e.g. "q.npy row 17 (id 'x')").
    public static func normalizeRows(_ vectors: UnsafeMutablePointer<Float>, count: Int, dimension: Int,
                                     describe: (Int) -> String) throws {
        for r in 0..<count {
            let row = vectors + r * dimension
            for j in 0..<dimension where !row[j].isFinite {
                throw StoreError(.invalidInput, "\(describe(r)): component \(j) is \(row[j].isNaN ? "NaN" : "infinite")")
            }
            if !VectorMath.normalize(row, dimension) {
                throw StoreError(.invalidInput, "\(describe(r)): zero vector (it has no direction to compare)")
            }
        }
    }
}
