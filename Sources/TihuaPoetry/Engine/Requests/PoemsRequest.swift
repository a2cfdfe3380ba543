/// The poems nearest a query: `{text | image | vector | poem, k, exact | nprobe}`.
public struct PoemsRequest: Codable, Sendable, Equatable {
    public var query: Query
    /// How many poems (1…`EngineLimits.maxK`).
    public var k: Int
    public var method: SearchMethodChoice

    public static let defaultK = 10

    public init(query: Query, k: Int = defaultK, method: SearchMethodChoice = .init()) {
        self.query = query
        self.k = k
        self.method = method
    }

    enum CodingKeys: String, CodingKey { case k }

    public init(from decoder: any Decoder) throws {
        query = try Query(from: decoder)
        method = try SearchMethodChoice(from: decoder)
        k = try decoder.container(keyedBy: CodingKeys.self).decode(.k, default: Self.defaultK)
    }

    public func encode(to encoder: any Encoder) throws {
        try query.encode(to: encoder)
        try method.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(k, forKey: .k)
    }
}
