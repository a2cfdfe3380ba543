/// The on-disk schema. Bump `version` whenever a stored layout changes:
/// `TihuaIndex` refuses an index of another version with a message naming
/// both (there is no migration yet: schema 1 is the only one).
enum Schema {
    /// 1: collections with records/order/rowids/blocks, IVF centroids and chunked lists.
    static let version = 1

    /// The `meta` database: schema version and one JSON document per collection.
    static let metaDatabase = "meta"
    static let versionKey = "schema_version"
    static let collectionKeyPrefix = "collection/"

    static func collectionKey(_ name: String) -> String { collectionKeyPrefix + name }
}
