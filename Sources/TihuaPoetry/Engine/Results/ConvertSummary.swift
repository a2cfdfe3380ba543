/// `{"collection","from","to","vectors","bytes_per_vector"}`: a conversion done.
public struct ConvertSummary: Codable, Sendable, Equatable {
    public let collection: String
    /// The dtype before and after.
    public let from: String
    public let to: String
    public let vectors: Int
    public let bytesPerVector: Int

    enum CodingKeys: String, CodingKey {
        case collection, from, to, vectors
        case bytesPerVector = "bytes_per_vector"
    }
}
