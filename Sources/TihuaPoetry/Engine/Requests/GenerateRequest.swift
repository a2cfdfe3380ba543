/// A poem for a query: `{image | text | vector | poem, generator, seed,
/// candidates, prefix_keywords, diversity}`.
public struct GenerateRequest: Codable, Sendable, Equatable {
    public enum Generator: String, Codable, Sendable, CaseIterable {
        /// 集句 from the corpus; no language model.
        case cento
        /// The engine's GPT-2 poem model (`TihuaEngine.Configuration.generator`).
        case gpt2
    }

    public var query: Query
    public var generator: Generator
    /// The same seed writes the same poem (candidate i uses seed + i).
    public var seed: UInt64
    /// Candidates written before the rerank (1…`EngineLimits.maxCandidates`).
    public var candidates: Int
    /// Keywords in the prefix (1…`EngineLimits.maxPrefixKeywords`).
    public var prefixKeywords: Int
    /// Keyword diversity λ (see `KeywordsRequest.diversity`).
    public var diversity: Float?

    public static let defaultCandidates = 16
    public static let defaultPrefixKeywords = 8

    public init(query: Query, generator: Generator = .cento, seed: UInt64 = 0, candidates: Int = defaultCandidates,
                prefixKeywords: Int = defaultPrefixKeywords, diversity: Float? = nil) {
        self.query = query
        self.generator = generator
        self.seed = seed
        self.candidates = candidates
        self.prefixKeywords = prefixKeywords
        self.diversity = diversity
    }

    enum CodingKeys: String, CodingKey { case generator, seed, candidates, prefixKeywords = "prefix_keywords", diversity }

    public init(from decoder: any Decoder) throws {
        query = try Query(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generator = try c.decode(.generator, default: .cento)
        seed = try c.decode(.seed, default: 0)
        candidates = try c.decode(.candidates, default: Self.defaultCandidates)
        prefixKeywords = try c.decode(.prefixKeywords, default: Self.defaultPrefixKeywords)
        diversity = try c.decodeIfPresent(Float.self, forKey: .diversity)
    }

    public func encode(to encoder: any Encoder) throws {
        try query.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generator, forKey: .generator)
        try c.encode(seed, forKey: .seed)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(prefixKeywords, forKey: .prefixKeywords)
        try c.encodeIfPresent(diversity, forKey: .diversity)
    }

    func validate() throws(PoetryError) {
        try EngineLimits.check("candidates", candidates, 1...EngineLimits.maxCandidates)
        try EngineLimits.check("prefix keywords", prefixKeywords, 1...EngineLimits.maxPrefixKeywords)
        if let d = diversity { try EngineLimits.check("diversity", d, 0...1) }
    }
}
