/// `{"results":[{"id":PATH,"score"}]}`, best first (plus `partial`, see `Coverage`).
public struct ImagesResult: Codable, Sendable, Equatable {
    public let results: [ImageHit]
    public let partial: [Coverage]

    public init(results: [ImageHit], partial: [Coverage] = []) {
        self.results = results
        self.partial = partial
    }

    enum CodingKeys: String, CodingKey { case results, partial }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        results = try c.decode([ImageHit].self, forKey: .results)
        partial = try c.decode(.partial, default: [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(results, forKey: .results)
        try c.encodePartial(partial, forKey: .partial)
    }
}
