import TihuaCompute

/// A batch of queries made ready for cosine search: copied, checked and
/// L2-normalised (stored vectors are unit length, so scores are cosines).
public struct QueryMatrix: Sendable {
    public let count: Int
    public let dimension: Int
    /// `count × dimension` floats, row-major, unit rows.
    public let values: [Float]

    /// `values` holds `count` rows of `dimension` floats. A NaN/Inf or a zero
    /// query is an error naming the query.
    public init(_ values: [Float], dimension: Int) throws {
        guard dimension > 0, values.count % dimension == 0 else {
            throw SearchError(.invalidArgument, "queries: \(values.count) floats do not make rows of dimension \(dimension)")
        }
        var v = values
        let count = values.count / dimension
        try v.withUnsafeMutableBufferPointer { b in
            for q in 0..<count {
                let row = b.baseAddress! + q * dimension
                for j in 0..<dimension where !row[j].isFinite {
                    throw SearchError(.invalidQuery, "query \(q): component \(j) is \(row[j].isNaN ? "NaN" : "infinite")")
                }
                guard VectorMath.normalize(row, dimension) else {
                    throw SearchError(.invalidQuery, "query \(q): zero vector (it has no direction to compare)")
                }
            }
        }
        self.count = count
        self.dimension = dimension
        self.values = v
    }

    /// Queries `range` as a new matrix (for benchmarks that send batches).
    public func slice(_ range: Range<Int>) -> QueryMatrix {
        QueryMatrix(count: range.count, dimension: dimension,
                    values: Array(values[(range.lowerBound * dimension)..<(range.upperBound * dimension)]))
    }

    private init(count: Int, dimension: Int, values: [Float]) {
        self.count = count
        self.dimension = dimension
        self.values = values
    }
}
