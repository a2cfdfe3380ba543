/// The keyword prefix for a query: `{text | image | vector | poem, k, diversity}`.
public struct KeywordsRequest: Codable, Sendable, Equatable {
    public var query: Query
    /// How many keywords (1…`EngineLimits.maxK`).
    public var k: Int
    /// λ in 0…1 for maximal marginal relevance; nil (or 1) is plain top-k.
    public var diversity: Float?

    public static let defaultK = 8

    public init(query: Query, k: Int = defaultK, diversity: Float? = nil) {
        self.query = query
        self.k = k
        self.diversity = diversity
    }

    enum CodingKeys: String, CodingKey { case k, diversity }

    public init(from decoder: any Decoder) throws {
        query = try Query(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        k = try c.decode(.k, default: Self.defaultK)
        diversity = try c.decodeIfPresent(Float.self, forKey: .diversity)
    }

    public func encode(to encoder: any Encoder) throws {
        try query.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(k, forKey: .k)
        try c.encodeIfPresent(diversity, forKey: .diversity)
    }

    func validate() throws(PoetryError) {
        try EngineLimits.check("k", k, 1...EngineLimits.maxK)
        if let d = diversity { try EngineLimits.check("diversity", d, 0...1) }
    }
}
