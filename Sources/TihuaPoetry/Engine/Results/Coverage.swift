/// A collection searched only in part: `embedded` of its `count` records
/// have vectors (an interrupted `embed`, say), and only those can be found.
/// Results list these under `partial`, a key present only when non-empty.
public struct Coverage: Codable, Sendable, Equatable {
    public let collection: String
    public let embedded: Int
    public let count: Int

    public init(collection: String, embedded: Int, count: Int) {
        self.collection = collection
        self.embedded = embedded
        self.count = count
    }
}

extension KeyedEncodingContainer {
    /// `partial` only when some collection was searched in part, so that
    /// complete answers keep their documented shape byte for byte.
    mutating func encodePartial(_ partial: [Coverage], forKey key: Key) throws {
        if !partial.isEmpty { try encode(partial, forKey: key) }
    }
}
