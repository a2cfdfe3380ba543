/// `{"dim":D,"embedding":[…]}`: an L2-normalised projected embedding.
public struct EncodeResult: Codable, Sendable, Equatable {
    public let dim: Int
    public let embedding: [Float]
    /// The identity of the model that made it (not serialised).
    public let model: String

    public init(embedding: [Float], model: String) {
        dim = embedding.count
        self.embedding = embedding
        self.model = model
    }

    enum CodingKeys: String, CodingKey { case dim, embedding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        embedding = try c.decode([Float].self, forKey: .embedding)
        dim = try c.decode(Int.self, forKey: .dim)
        model = ""
    }
}
