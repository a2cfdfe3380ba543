/// `{"results":[{"id","score","title","author","dynasty","lines"}]}`, best
/// first (plus `partial`, see `Coverage`).
public struct PoemsResult: Codable, Sendable, Equatable {
    public let results: [PoemHit]
    public let partial: [Coverage]

    public init(results: [PoemHit], partial: [Coverage] = []) {
        self.results = results
        self.partial = partial
    }

    enum CodingKeys: String, CodingKey { case results, partial }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        results = try c.decode([PoemHit].self, forKey: .results)
        partial = try c.decode(.partial, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(results, forKey: .results)
        try c.encodePartial(partial, forKey: .partial)
    }
}
