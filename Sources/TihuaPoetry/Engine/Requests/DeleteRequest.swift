/// Records to delete from a collection: `{collection, ids}`.
public struct DeleteRequest: Codable, Sendable, Equatable {
    public var collection: String
    public var ids: [String]

    public init(collection: String, ids: [String]) {
        self.collection = collection
        self.ids = ids
    }
}
