import TihuaFormats
import TihuaStore

/// Query vectors for a raw search: `count × dimension` floats, row-major.
/// Serialised as an array of rows, `[[…], […]]`.
public struct VectorBatch: Codable, Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    public let values: [Float]
    /// The file the vectors came from, to name in errors (not serialised).
    public let source: String?

    /// Rows of one length; at least one row of at least one component.
    public init(rows: [[Float]]) throws(PoetryError) {
        guard let dimension = rows.first?.count, dimension > 0 else {
            throw PoetryError(.badInput, rows.isEmpty ? "no query vectors" : "query vector 0 is empty")
        }
        for (i, row) in rows.enumerated() where row.count != dimension {
            throw PoetryError(.badInput, "query vector \(i) has \(row.count) components, vector 0 has \(dimension)")
        }
        self.count = rows.count
        self.dimension = dimension
        values = rows.flatMap { $0 }
        source = nil
    }

    /// The rows of a 2-D `.npy` file (float32, float16 or float64).
    public init(npyFile path: String) throws(PoetryError) {
        let (count, dimension, values) = try wrappingErrors { () throws -> (Int, Int, [Float]) in
            let file = try NPYFile(path: path)
            guard file.rows <= EngineLimits.maxSearchResults else {
                throw PoetryError(.badInput, "\(path): \(file.rows) query vectors are more than one search takes (\(EngineLimits.maxSearchResults))")
            }
            var values = [Float](repeating: 0, count: file.rows * file.columns)
            try values.withUnsafeMutableBufferPointer { try file.readRows(0, count: file.rows, into: $0.baseAddress!) }
            return (file.rows, file.columns, values)
        }
        guard count > 0, dimension > 0 else { throw PoetryError(.badInput, "\(path): no query vectors") }
        self.count = count
        self.dimension = dimension
        self.values = values
        source = path
    }

    public var rows: [[Float]] {
        (0..<count).map { Array(values[($0 * dimension)..<(($0 + 1) * dimension)]) }
    }

    public init(from decoder: any Decoder) throws {
        do {
            self = try VectorBatch(rows: try [[Float]](from: decoder))
        } catch let error as PoetryError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws { try rows.encode(to: encoder) }
}
