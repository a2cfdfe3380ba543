/// A raw vector search over any collection:
/// `{collection, vectors: [[…]], k, exact | nprobe, rerank}`.
public struct SearchRequest: Codable, Sendable, Equatable {
    public var collection: String
    public var vectors: VectorBatch
    /// Results per query (1…`EngineLimits.maxK`).
    public var k: Int
    public var method: SearchMethodChoice
    /// Re-score this many best candidates against float32 (1…`EngineLimits.maxK`); nil: none.
    public var rerank: Int?

    public static let defaultK = 10

    public init(collection: String, vectors: VectorBatch, k: Int = defaultK, method: SearchMethodChoice = .init(),
                rerank: Int? = nil) {
        self.rerank = rerank
        self.collection = collection
        self.vectors = vectors
        self.k = k
        self.method = method
    }

    enum CodingKeys: String, CodingKey { case collection, vectors, k, rerank }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        collection = try c.decode(String.self, forKey: .collection)
        vectors = try c.decode(VectorBatch.self, forKey: .vectors)
        k = try c.decode(.k, default: Self.defaultK)
        method = try SearchMethodChoice(from: decoder)
        rerank = try c.decodeIfPresent(Int.self, forKey: .rerank)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(collection, forKey: .collection)
        try c.encode(vectors, forKey: .vectors)
        try c.encode(k, forKey: .k)
        try c.encodeIfPresent(rerank, forKey: .rerank)
        try method.encode(to: encoder)
    }
}
