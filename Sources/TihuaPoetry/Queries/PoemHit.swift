/// A poem found for a query. Its JSON form is the contract's
/// `{"id","score","title","author","dynasty","lines"}` plus `"form"` and,
/// for a poem with merged duplicates, `"variants":[ids]`.
public struct PoemHit: Codable, Sendable, Equatable {
    public let id: String
    public let score: Float
    public let title: String?
    public let author: String?
    public let dynasty: String?
    /// The lines as displayed (the original script unless a display script
    /// was asked for).
    public let lines: [String]
    /// Ids of the duplicates merged into this poem (its other sources).
    public let variants: [String]
    /// The poem as stored: original and normalised text, form.
    public let poem: Poem
    /// For a phrase query: the ranges of each displayed line (in Unicode
    /// scalars) that match it, for highlighting; empty otherwise.
    public let matches: [[Range<Int>]]

    public init(id: String, score: Float, title: String?, author: String?, dynasty: String?, lines: [String],
                variants: [String] = [], poem: Poem, matches: [[Range<Int>]] = []) {
        self.matches = matches
        self.id = id
        self.score = score
        self.title = title
        self.author = author
        self.dynasty = dynasty
        self.lines = lines
        self.variants = variants
        self.poem = poem
    }

    enum CodingKeys: String, CodingKey { case id, score, title, author, dynasty, lines, form, variants }

    /// A hit read back from its JSON form: the stored poem holds what the
    /// JSON says (shown text as the original, no normalised copy).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        score = try c.decode(Float.self, forKey: .score)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        author = try c.decodeIfPresent(String.self, forKey: .author)
        dynasty = try c.decodeIfPresent(String.self, forKey: .dynasty)
        lines = try c.decode([String].self, forKey: .lines)
        variants = try c.decodeIfPresent([String].self, forKey: .variants) ?? []
        let form = try c.decodeIfPresent(String.self, forKey: .form).flatMap(PoemFormClass.init(rawValue:))
        poem = Poem(id: id, title: title, author: author, dynasty: dynasty, lines: lines, keywords: [], form: form)
        matches = []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(score, forKey: .score)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(dynasty, forKey: .dynasty)
        try c.encode(lines, forKey: .lines)
        try c.encodeIfPresent(poem.form?.rawValue, forKey: .form)
        if !variants.isEmpty { try c.encode(variants, forKey: .variants) }
    }
}
