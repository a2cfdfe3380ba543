/// `{"keywords":N,"poems":M}`: records embedded by one `embed`.
public struct EmbedSummary: Codable, Sendable, Equatable {
    public let keywords: Int
    public let poems: Int
    /// The identity of the model that embedded them (not serialised).
    public let model: String

    public init(keywords: Int, poems: Int, model: String) {
        self.keywords = keywords
        self.poems = poems
        self.model = model
    }

    enum CodingKeys: String, CodingKey { case keywords, poems }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decode(Int.self, forKey: .keywords)
        poems = try c.decode(Int.self, forKey: .poems)
        model = ""
    }
}
