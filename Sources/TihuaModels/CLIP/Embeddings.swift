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
            for i in 0..<count { _ = VectorMath.normalize(buffer.baseAddress! + i * d, d) }
        }
        return copy
    }

    /// Every row scaled to unit length; a row with a NaN or an infinity, or
    /// all zeros, cannot be normalised and is an error naming the input it
    /// came from (`describe(row)`): it means damaged weights, not a result.
    public func normalizedOrThrow(describe: (Int) -> String) throws -> Embeddings {
        var copy = self
        let d = dimension
        try copy.values.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<count {
                let row = buffer.baseAddress! + i * d
                if VectorMath.normalize(row, d) { continue }
                let broken = UnsafeBufferPointer(start: row, count: d).contains { !$0.isFinite }
                throw ModelError(.numerical, "the embedding of \(describe(i)) \(broken ? "has NaN or infinite values" : "is all zeros") and cannot be normalised (are the model's weights damaged?)")
            }
        }
        return copy
    }
}
