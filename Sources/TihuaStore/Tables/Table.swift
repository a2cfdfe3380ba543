import CLMDB

/// A named database of plain key → value pairs kept beside the collections
/// in the same LMDB file: for data a layer above derives and maintains
/// itself (a phrase index, lookup keys), which the store never interprets.
///
/// Unlike a collection's records, table writes are not staged: what a
/// committed transaction wrote is visible to every later reader. A caller
/// writing inside a `StagedWrite` must keep unpublished entries apart itself
/// (for example by values that name sequence numbers beyond the published
/// counters).
///
/// Resolve a table with `TihuaIndex.table(_:create:)` before a transaction;
/// read and write it through `ReadTransaction` / `WriteTransaction`
/// (`CollectionSnapshot.transaction`, `CollectionWriter.transaction`).
public struct Table: Sendable, Hashable {
    public let name: String
    let dbi: MDB_dbi

    /// LMDB's limit on key length (the default build's 511 bytes).
    public static let maxKeyBytes = 511

    /// Table names: `OWNER.PART`, each part 1–64 letters, digits, `_` or `-`,
    /// and not a database a collection uses.
    static func validate(name: String) throws {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.count <= 64 && part.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
            }
        } && !Collection.suffixes.contains(String(parts[1]))
        if !ok {
            throw StoreError(.invalidInput, "invalid table name '\(name)': use OWNER.PART, 1–64 letters, digits, '_' or '-' each, PART not one of \(Collection.suffixes.joined(separator: ", "))")
        }
    }
}

extension TihuaIndex {
    /// The handle of table `name`; nil when it does not exist and `create`
    /// is false (an index written before the table was introduced). With
    /// `create`, a missing table is created (empty) in a transaction of its own.
    public func table(_ name: String, create: Bool) throws -> Table? {
        try Table.validate(name: name)
        return try environment.database(name, create: create).map { Table(name: name, dbi: $0) }
    }
}

extension ReadTransaction {
    /// Calls `body` with the value of `key` (pointing into the map, valid
    /// only inside `body`), or with nil when there is none.
    public func withValue<R>(in table: Table, key: UnsafeRawBufferPointer,
                             _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
        try body(try get(table.dbi, key, "key of table \(table.name)"))
    }

    public func withValue<R>(in table: Table, key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
        try key.withUnsafeBytes { try withValue(in: table, key: $0, body) }
    }

    /// A copy of the value of `key`, or nil.
    public func value(in table: Table, key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in try withValue(in: table, key: k) { $0.map { Array($0) } } }
    }

    /// Visits entries in key order from the first key ≥ `from` (the first
    /// key when nil) while `body` returns true. Key and value point into the
    /// map and are valid only during the call.
    public func forEachEntry(in table: Table, from: [UInt8]? = nil,
                             _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool) throws {
        if let from {
            try from.withUnsafeBytes { try forEach(in: table.dbi, from: $0, body) }
        } else {
            try forEach(in: table.dbi, from: nil, body)
        }
    }

    /// Number of entries in the table.
    public func entryCount(in table: Table) throws -> Int { try entryCount(table.dbi) }
}

extension WriteTransaction {
    /// Stores `value` under `key`, replacing any value. With `append`, the
    /// key must sort after every key in the table (LMDB's fast MDB_APPEND
    /// path for writing a table in key order).
    public func put(in table: Table, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, append: Bool = false) throws {
        guard key.count > 0, key.count <= Table.maxKeyBytes else {
            throw StoreError(.invalidInput, "table \(table.name): a key of \(key.count) bytes (1…\(Table.maxKeyBytes))")
        }
        try put(table.dbi, key, value, flags: append ? MDB_APPEND : 0, "entry of table \(table.name)")
    }

    public func put(in table: Table, key: [UInt8], value: [UInt8], append: Bool = false) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { try put(in: table, key: k, value: $0, append: append) } }
    }

    /// Deletes `key`; returns whether it was there.
    @discardableResult
    public func delete(in table: Table, key: UnsafeRawBufferPointer) throws -> Bool {
        try delete(table.dbi, key, "entry of table \(table.name)")
    }

    @discardableResult
    public func delete(in table: Table, key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { try delete(in: table, key: $0) }
    }

    /// Deletes every entry (the table itself stays).
    public func removeAll(in table: Table) throws {
        ensureValid()
        try check(mdb_drop(txn, table.dbi, 0), "empty table \(table.name)")
    }
}

extension CollectionSnapshot {
    /// The read transaction this snapshot belongs to (for tables kept
    /// beside the collection).
    public var transaction: ReadTransaction { txn }
}

extension CollectionWriter {
    /// The write transaction this writer writes in (for tables kept beside
    /// the collection, changed in the same transaction).
    public var transaction: WriteTransaction { txn }
}
