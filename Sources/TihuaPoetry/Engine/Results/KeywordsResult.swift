/// `{"keywords":[{"keyword","score"}]}`, best first (plus `partial`, see `Coverage`).
public struct KeywordsResult: Codable, Sendable, Equatable {
    public let keywords: [ScoredKeyword]
    public let partial: [Coverage]

    public init(keywords: [ScoredKeyword], partial: [Coverage] = []) {
        self.keywords = keywords
        self.partial = partial
    }

    enum CodingKeys: String, CodingKey { case keywords, partial }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decode([ScoredKeyword].self, forKey: .keywords)
        partial = try c.decode(.partial, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keywords, forKey: .keywords)
        try c.encodePartial(partial, forKey: .partial)
    }
}
