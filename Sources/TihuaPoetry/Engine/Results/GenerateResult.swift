/// `{"keywords":[…],"poem":{"lines":[{"text","source"}],"score"}|null,
/// "candidates":N,"well_formed":W}` (plus `partial`, see `Coverage`).
public struct GenerateResult: Codable, Sendable, Equatable {
    /// The prefix, best first.
    public let keywords: [String]
    /// The best well-formed candidate; nil when none was.
    public let poem: GeneratedPoem?
    /// Candidates written (before malformed ones were dropped).
    public let candidates: Int
    /// Candidates that were well formed.
    public let wellFormed: Int
    public let partial: [Coverage]

    public init(keywords: [String], poem: GeneratedPoem?, candidates: Int, wellFormed: Int, partial: [Coverage] = []) {
        self.keywords = keywords
        self.poem = poem
        self.candidates = candidates
        self.wellFormed = wellFormed
        self.partial = partial
    }

    enum CodingKeys: String, CodingKey { case keywords, poem, candidates, wellFormed = "well_formed", partial }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decode([String].self, forKey: .keywords)
        poem = try c.decodeIfPresent(GeneratedPoem.self, forKey: .poem)
        candidates = try c.decode(Int.self, forKey: .candidates)
        wellFormed = try c.decode(Int.self, forKey: .wellFormed)
        partial = try c.decode(.partial, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keywords, forKey: .keywords)
        try c.encode(poem, forKey: .poem)  // null when no candidate was well formed
        try c.encode(candidates, forKey: .candidates)
        try c.encode(wellFormed, forKey: .wellFormed)
        try c.encodePartial(partial, forKey: .partial)
    }
}
