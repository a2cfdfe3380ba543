/// `{"imported":N}` of a vector import.
public struct VectorImportSummary: Codable, Sendable, Equatable {
    public let imported: Int
}
