/// Poems for a query: `{text | image | vector | poem, k, exact | nprobe,
/// dynasty: [D], author, form, title_contains, contains, hybrid, script}`.
///
/// The query may be left out when `contains` or a filter says what to look
/// for: the poems come in corpus order then. With a query they are ranked
/// by similarity (exactly within the filter and phrase); `hybrid` fuses that
/// ranking with a lexical one for a text query (see `PoemQuery`).
public struct PoemsRequest: Codable, Sendable, Equatable {
    public var query: Query?
    /// How many poems (1…`EngineLimits.maxK`).
    public var k: Int
    public var method: SearchMethodChoice
    public var filter: PoemFilter
    /// A phrase the poems' normalised text must contain.
    public var contains: String?
    public var hybrid: Bool
    /// The script the results are shown in.
    public var script: DisplayScript

    public static let defaultK = 10

    public init(query: Query?, k: Int = defaultK, method: SearchMethodChoice = .init(), filter: PoemFilter = PoemFilter(),
                contains: String? = nil, hybrid: Bool = false, script: DisplayScript = .original) {
        self.query = query
        self.k = k
        self.method = method
        self.filter = filter
        self.contains = contains
        self.hybrid = hybrid
        self.script = script
    }

    /// Whether the request needs more than a plain nearest-poems search.
    var isPlain: Bool { filter.isEmpty && contains == nil && !hybrid && script == .original }

    enum CodingKeys: String, CodingKey { case k, contains, hybrid, script, text, image, vector, poem, imageFile = "image_file" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        contains = try c.decodeIfPresent(String.self, forKey: .contains)
        filter = try PoemFilter(from: decoder)
        let hasQuery = [CodingKeys.text, .image, .vector, .poem, .imageFile].contains { c.contains($0) }
        query = hasQuery || (contains == nil && filter.isEmpty) ? try Query(from: decoder) : nil
        method = try SearchMethodChoice(from: decoder)
        k = try c.decode(.k, default: Self.defaultK)
        hybrid = try c.decode(.hybrid, default: false)
        script = try c.decode(.script, default: .original)
    }

    public func encode(to encoder: any Encoder) throws {
        try query?.encode(to: encoder)
        try method.encode(to: encoder)
        try filter.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(k, forKey: .k)
        try c.encodeIfPresent(contains, forKey: .contains)
        if hybrid { try c.encode(hybrid, forKey: .hybrid) }
        if script != .original { try c.encode(script, forKey: .script) }
    }
}
