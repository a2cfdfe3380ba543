/// `{"imported":N,"duplicates":D}` of a keyword import.
public struct KeywordImportSummary: Codable, Sendable, Equatable {
    public let imported: Int
    /// Repeated keywords, in the file or already in the index.
    public let duplicates: Int
}
