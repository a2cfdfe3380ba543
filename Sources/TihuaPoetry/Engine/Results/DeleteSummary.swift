/// `{"deleted":N,"missing":M}`: ids deleted, and ids that were not there.
public struct DeleteSummary: Codable, Sendable, Equatable {
    public let deleted: Int
    public let missing: Int
}
