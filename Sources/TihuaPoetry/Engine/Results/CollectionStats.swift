/// A collection as `stats` shows it:
/// `{"collection","count","embedded","dim","ivf":{"lists"}|null,"model","dtype","bytes_per_vector"}`.
public struct CollectionStats: Codable, Sendable, Equatable {
    public struct IVF: Codable, Sendable, Equatable {
        public let lists: Int
        public init(lists: Int) { self.lists = lists }
    }

    public let collection: String
    /// Records, embedded or not.
    public let count: Int
    /// Records with a vector.
    public let embedded: Int
    public let dim: Int?
    public let ivf: IVF?
    /// The identity of the model that made the vectors (nil for imported vectors).
    public let model: String?
    /// How vectors are stored: "float32", "float16" or "int8".
    public let dtype: String
    /// Bytes one stored vector takes (0 before the dimension is known).
    public let bytesPerVector: Int

    public init(collection: String, count: Int, embedded: Int, dim: Int?, ivf: IVF?, model: String?,
                dtype: String = "float32", bytesPerVector: Int = 0) {
        self.collection = collection
        self.count = count
        self.embedded = embedded
        self.dim = dim
        self.ivf = ivf
        self.model = model
        self.dtype = dtype
        self.bytesPerVector = bytesPerVector
    }

    enum CodingKeys: String, CodingKey { case collection, count, embedded, dim, ivf, model, dtype
        case bytesPerVector = "bytes_per_vector"
    }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: `dim`, `ivf` and `model` are always present (CONTRACT.md).
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(collection, forKey: .collection)
        try c.encode(count, forKey: .count)
        try c.encode(embedded, forKey: .embedded)
        try c.encode(dim, forKey: .dim)
        try c.encode(ivf, forKey: .ivf)
        try c.encode(model, forKey: .model)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(bytesPerVector, forKey: .bytesPerVector)
    }
}
