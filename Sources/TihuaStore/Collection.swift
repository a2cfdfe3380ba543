import CLMDB

/// A handle on a collection's named databases. Get it with
/// `TihuaIndex.collection(_:)` (published collections) or
/// `prepareCollection(_:)` (to write) before a transaction, use it inside one.
///
/// Databases of collection NAME:
/// - `NAME.records`: external id → [sequence u64][vector row u64 or none][document bytes]
/// - `NAME.order`:   sequence (u64 BE) → id, the import order
/// - `NAME.rowids`:  vector row (u64 BE) → [IVF list u32 or none][id]
/// - `NAME.blocks`:  block number (u64 BE) → `blockRows × dimension` float32, row-major
/// - `NAME.centroids`, `NAME.lists`: the IVF index (see `IVFIndex`)
public struct Collection: Sendable, Hashable {
    public let name: String
    let records: MDB_dbi
    let order: MDB_dbi
    let rowids: MDB_dbi
    let blocks: MDB_dbi
    let centroids: MDB_dbi
    let lists: MDB_dbi

    static let suffixes = ["records", "order", "rowids", "blocks", "centroids", "lists"]

    init(name: String, handles: [MDB_dbi]) {
        self.name = name
        records = handles[0]; order = handles[1]; rowids = handles[2]
        blocks = handles[3]; centroids = handles[4]; lists = handles[5]
    }

    var databases: [MDB_dbi] { [records, order, rowids, blocks, centroids, lists] }

    /// Collection names: 1–64 characters of letters, digits, `_` and `-`.
    public static func validate(name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
        }
        if !ok {
            throw StoreError(.invalidInput, "invalid collection name '\(name.prefix(80))': use 1–64 letters, digits, '_' or '-'")
        }
    }
}

/// Marks "no vector" / "no IVF list" in stored records.
let noRow = UInt64.max
let noList = UInt32.max
