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
///
/// Entries for sequences at or past the published `nextSequence`, and
/// variants at or past the published serial (`variantsPublished`), belong to
/// an import that has not published (or was killed) and are ignored by
/// readers; the next import removes them first (`pendingAttachment`).
struct PoemTables: Sendable {
    let grams: Table
    let facets: Table
    let keys: Table
    let variants: Table
    let variantIDs: Table

    static let names = ["poems.text-grams", "poems.text-facets", "poems.text-keys", "poems.variants", "poems.variant-ids"]

    /// Poem format: 2 = normalised text, merged duplicates, forms and these
    /// tables. An index whose poems have no such attachment was written
    /// before them (format 1).
    static let formatAttachment = "text-format"
    static let currentFormat = 2
    /// The OpenCC profile the poems were normalised with.
    static let profileAttachment = "script-profile"
    /// The first variant serial not yet published.
    static let variantsAttachment = "variants-published"
    /// "SEQUENCE SERIAL" while an import writes the tables (the published
    /// counters it started from); empty once it published.
    static let pendingAttachment = "text-pending"

    /// The tables of `index`; nil when they do not exist and `create` is false.
    static func open(_ index: TihuaIndex, create: Bool) throws -> PoemTables? {
        var tables: [Table] = []
        for name in names {
            guard let t = try index.table(name, create: create) else { return nil }
            tables.append(t)
        }
        return PoemTables(grams: tables[0], facets: tables[1], keys: tables[2], variants: tables[3], variantIDs: tables[4])
    }
}

/// The poems' text metadata as a read transaction sees it.
struct PoemTextState {
    var format: Int?
    var profile: String?
    var variantsPublished: UInt32 = 0
    /// (sequence, serial) an unfinished import started from.
    var pending: (sequence: UInt32, serial: UInt32)?

    init(_ snapshot: CollectionSnapshot) throws {
        func text(_ name: String) throws -> String? {
            try snapshot.attachment(name).map { String(decoding: $0, as: UTF8.self) }
        }
        format = try text(PoemTables.formatAttachment).flatMap { Int($0) }
        profile = try text(PoemTables.profileAttachment).flatMap { $0.isEmpty ? nil : $0 }
        variantsPublished = try text(PoemTables.variantsAttachment).flatMap { UInt32($0) } ?? 0
        if let mark = try text(PoemTables.pendingAttachment) {
            let parts = mark.split(separator: " ").compactMap { UInt32($0) }
            if parts.count == 2 { pending = (parts[0], parts[1]) }
        }
    }
}
