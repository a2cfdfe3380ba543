import TihuaCompute

/// `count` embeddings of `dimension` floats, row-major in one flat array.
public struct Embeddings: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    public private(set) var values: [Float]

    public init(count: Int, dimension: Int, values: [Float]) {
        precondition(values.count == count * dimension, "\(values.count) values for \(count) × \(dimension)")
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// Row `i`.
    public func row(_ i: Int) -> ArraySlice<Float> {
        values[(i * dimension)..<((i + 1) * dimension)]
    }

    /// Every row scaled to unit length (a zero row stays zero).
    public func normalized() -> Embeddings {
        var copy = self
        let d = dimension
        copy.values.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<count { VectorMath.normalize(buffer.baseAddress! + i * d, d) }
        }
        return copy
    }
}
