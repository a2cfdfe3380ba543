/// Metadata a poem must have to be returned or used: one of `dynasties`,
/// the author, the form, and a title containing `titleContains`. Names and
/// titles are compared in the normalised script (a simplified filter finds
/// traditional poems); dynasties as the import normalises them ("tang" is
/// "Tang"). An empty filter keeps every poem; a filter nothing passes gives
/// an empty result, not an error.
public struct PoemFilter: Sendable, Codable, Equatable {
    public var dynasties: [String]
    public var author: String?
    public var form: PoemFormClass?
    public var titleContains: String?

    public init(dynasties: [String] = [], author: String? = nil, form: PoemFormClass? = nil, titleContains: String? = nil) {
        self.dynasties = dynasties
        self.author = author
        self.form = form
        self.titleContains = titleContains
    }

    public var isEmpty: Bool { dynasties.isEmpty && author == nil && form == nil && titleContains == nil }

    enum CodingKeys: String, CodingKey {
        case dynasties = "dynasty", author, form, titleContains = "title_contains"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dynasties = try c.decodeIfPresent([String].self, forKey: .dynasties) ?? []
        author = try c.decodeIfPresent(String.self, forKey: .author)
        form = try c.decodeIfPresent(PoemFormClass.self, forKey: .form)
        titleContains = try c.decodeIfPresent(String.self, forKey: .titleContains)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !dynasties.isEmpty { try c.encode(dynasties, forKey: .dynasties) }
        try c.encodeIfPresent(author, forKey: .author)
        try c.encodeIfPresent(form, forKey: .form)
        try c.encodeIfPresent(titleContains, forKey: .titleContains)
    }
}
