/// A poem for a query: `{image | text | vector | poem | keywords, generator,
/// seed, candidates, prefix_keywords, diversity, prompt, form, no_repeat, rhyme,
/// keyword_bias}`.
/// With `keywords` the prefix is those keywords (no image or text needed:
/// the rerank compares the poems with the keywords' text).
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
    /// Given keywords: used as the prefix instead of those nearest the query.
    public var keywords: [String]?
    /// How GPT-2 is prompted and constrained (cento ignores it).
    public var prompt: PromptStyle
    /// `5x4`, `7x4`, `5x8`, `7x8`; nil: four lines of 5 or 7 characters, the first line decides.
    public var form: PoemForm?
    public var noRepeat: Bool
    public var rhyme: Bool
    /// GPT-2 keyword guidance, 0…`EngineLimits.maxKeywordBias` (0: the model alone; nil: the default).
    public var keywordBias: Float?

    public static let defaultCandidates = 16
    public static let defaultPrefixKeywords = 8

    public init(query: Query, generator: Generator = .cento, seed: UInt64 = 0, candidates: Int = defaultCandidates,
                prefixKeywords: Int = defaultPrefixKeywords, diversity: Float? = nil, keywords: [String]? = nil,
                prompt: PromptStyle = .keywords, form: PoemForm? = nil, noRepeat: Bool = false, rhyme: Bool = false,
                keywordBias: Float? = nil) {
        self.query = query
        self.keywords = keywords
        self.prompt = prompt
        self.form = form
        self.noRepeat = noRepeat
        self.rhyme = rhyme
        self.keywordBias = keywordBias
        self.generator = generator
        self.seed = seed
        self.candidates = candidates
        self.prefixKeywords = prefixKeywords
        self.diversity = diversity
    }

    /// A request for given keywords alone.
    public init(keywords: [String], generator: Generator = .cento, seed: UInt64 = 0, candidates: Int = defaultCandidates) {
        self.init(query: .text(keywords.joined(separator: " ")), generator: generator, seed: seed, candidates: candidates,
                  keywords: keywords)
    }

    enum CodingKeys: String, CodingKey {
        case generator, seed, candidates, prefixKeywords = "prefix_keywords", diversity, keywords, prompt, form
        case noRepeat = "no_repeat", rhyme, keywordBias = "keyword_bias"
        case text, image, vector, poem
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords)
        let hasQuery = [CodingKeys.text, .image, .vector, .poem].contains { c.contains($0) }
        if let keywords, !hasQuery {
            query = .text(keywords.joined(separator: " "))
        } else {
            query = try Query(from: decoder)
        }
        prompt = try c.decode(.prompt, default: .keywords)
        if let name = try c.decodeIfPresent(String.self, forKey: .form) {
            guard let form = PoemForm(name) else {
                throw DecodingError.dataCorruptedError(forKey: .form, in: c, debugDescription: "form must be one of \(PoemForm.names.joined(separator: ", "))")
            }
            self.form = form
        } else {
            form = nil
        }
        noRepeat = try c.decode(.noRepeat, default: false)
        rhyme = try c.decode(.rhyme, default: false)
        keywordBias = try c.decodeIfPresent(Float.self, forKey: .keywordBias)
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
        try c.encodeIfPresent(keywords, forKey: .keywords)
        try c.encode(prompt, forKey: .prompt)
        try c.encodeIfPresent(form?.description, forKey: .form)
        try c.encode(noRepeat, forKey: .noRepeat)
        try c.encode(rhyme, forKey: .rhyme)
        try c.encodeIfPresent(keywordBias, forKey: .keywordBias)
    }

    func validate() throws(PoetryError) {
        try EngineLimits.check("candidates", candidates, 1...EngineLimits.maxCandidates)
        try EngineLimits.check("prefix keywords", prefixKeywords, 1...EngineLimits.maxPrefixKeywords)
        if let d = diversity { try EngineLimits.check("diversity", d, 0...1) }
        if let b = keywordBias { try EngineLimits.check("keyword bias", b, 0...EngineLimits.maxKeywordBias) }
        if let keywords {
            try EngineLimits.check("keywords", keywords.count, 1...EngineLimits.maxPrefixKeywords)
            for k in keywords where k.trimmingCharacters(in: .whitespaces).isEmpty || k.unicodeScalars.count > 32 {
                throw PoetryError(.badInput, "keyword '\(k)' is empty or longer than 32 characters")
            }
        }
    }
}
