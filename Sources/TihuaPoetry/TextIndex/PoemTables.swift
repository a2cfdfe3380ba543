import TihuaStore

/// The tables TihuaPoetry keeps beside the `poems` collection, and the
/// poems' attachments that describe them. Sequence numbers are the records'
/// import sequences (u32): corpus order.
///
/// - `poems.text-grams`: character bigram (`Gram`) → the sequences of the
///   poems whose normalised lines (or title) hold it, ascending (`Postings`).
/// - `poems.text-facets`: `Facet` key (dynasty, author, form) → sequences.
/// - `poems.text-keys`: duplicate key (`PoemText.duplicateKey`, u64 BE) →
///   the sequence of the poem that key belongs to (u32 LE).
/// - `poems.variants`: [poem sequence u32 BE][variant serial u32 BE] → the
///   document of a duplicate merged into that poem.
/// - `poems.variant-ids`: a variant's id → [poem sequence u32 LE][serial u32 LE].
/// - `poems.text-state`: `pending` → "SEQUENCE SERIAL" while an import writes
///   the tables (the published counters it started from), absent otherwise.
///
/// Entries for sequences at or past the published `nextSequence`, and
/// variants at or past the published serial (`variantsPublished`), belong to
/// an import that has not published (or was killed) and are ignored by
/// readers; the next import removes them first (see `pending`).
struct PoemTables: Sendable {
    let grams: Table
    let facets: Table
    let keys: Table
    let variants: Table
    let variantIDs: Table
    let state: Table

    static let names = ["poems.text-grams", "poems.text-facets", "poems.text-keys", "poems.variants", "poems.variant-ids",
                        "poems.text-state"]

    /// Poem format: 2 = normalised text, merged duplicates, forms and these
    /// tables. An index whose poems have no such attachment was written
    /// before them (format 1).
    static let formatAttachment = "text-format"
    static let currentFormat = 2
    /// The OpenCC profile the poems were normalised with.
    static let profileAttachment = "script-profile"
    /// The first variant serial not yet published.
    static let variantsAttachment = "variants-published"

    /// The tables of `index`; nil when they do not exist and `create` is false.
    static func open(_ index: TihuaIndex, create: Bool) throws -> PoemTables? {
        var tables: [Table] = []
        for name in names {
            guard let t = try index.table(name, create: create) else { return nil }
            tables.append(t)
        }
        return PoemTables(grams: tables[0], facets: tables[1], keys: tables[2], variants: tables[3], variantIDs: tables[4],
                          state: tables[5])
    }

    static let pendingKey = Array("pending".utf8)

    /// (sequence, serial) an import that has not published started from.
    func pending(in txn: ReadTransaction) throws -> (sequence: UInt32, serial: UInt32)? {
        try txn.withValue(in: state, key: Self.pendingKey) { value in
            guard let value else { return nil }
            let parts = String(decoding: value, as: UTF8.self).split(separator: " ").compactMap { UInt32($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// Marks (or with nil, clears) an import writing the tables. Unlike an
    /// attachment, the mark is committed with the batch that writes it, so
    /// that a killed import leaves it behind.
    static func setPending(_ mark: (sequence: UInt32, serial: UInt32)?, tables: PoemTables, in txn: WriteTransaction) throws {
        if let mark {
            try txn.put(in: tables.state, key: pendingKey, value: Array("\(mark.sequence) \(mark.serial)".utf8))
        } else {
            try txn.delete(in: tables.state, key: pendingKey)
        }
    }
}

/// The poems' text metadata as a read transaction sees it.
struct PoemTextState {
    var format: Int?
    var profile: String?
    var variantsPublished: UInt32 = 0

    init(_ snapshot: CollectionSnapshot) throws {
        func text(_ name: String) throws -> String? {
            try snapshot.attachment(name).map { String(decoding: $0, as: UTF8.self) }
        }
        format = try text(PoemTables.formatAttachment).flatMap { Int($0) }
        profile = try text(PoemTables.profileAttachment).flatMap { $0.isEmpty ? nil : $0 }
        variantsPublished = try text(PoemTables.variantsAttachment).flatMap { UInt32($0) } ?? 0
    }
}
