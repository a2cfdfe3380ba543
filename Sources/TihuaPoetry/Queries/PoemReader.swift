import Foundation
import TihuaStore

/// Turns stored poem records into hits, inside one read transaction: decodes
/// the document and looks up the variants merged into it.
struct PoemReader {
    let snapshot: CollectionSnapshot
    let tables: PoemTables?
    let variantsPublished: UInt32
    let index: TihuaIndex
    private let decoder = JSONDecoder()

    /// `tables` are resolved before the transaction (nil for an index
    /// without them, which has no variants).
    init(_ snapshot: CollectionSnapshot, tables: PoemTables?, index: TihuaIndex) throws {
        self.snapshot = snapshot
        self.tables = tables
        self.index = index
        variantsPublished = try PoemTextState(snapshot).variantsPublished
    }

    func poem(_ record: StoredRecord) throws -> Poem {
        try PoetryIndex.decodePoem(record, decoder, index: index)
    }

    func variantIDs(ofSequence sequence: UInt64) throws -> [String] {
        guard let tables, variantsPublished > 0, sequence < UInt64(UInt32.max) else { return [] }
        return try PoemVariants.variants(of: UInt32(sequence), tables: tables, in: snapshot.transaction,
                                         visibleBelow: variantsPublished).map(\.id)
    }

    func hit(_ record: StoredRecord, score: Float) throws -> PoemHit {
        try hit(record, poem: try poem(record), score: score)
    }

    /// A hit shown in `script` (the index normalised with `profile`), with
    /// `spans` of a phrase match in the normalised lines carried over to the
    /// displayed lines of equal length.
    func hit(_ record: StoredRecord, poem: Poem, score: Float, script: DisplayScript = .original,
             profile: String = "t2s", spans: [[Range<Int>]] = []) throws -> PoemHit {
        let shown = try script.show(poem, profile: profile)
        var matches: [[Range<Int>]] = []
        if !spans.isEmpty {
            let normalized = poem.normalizedLines
            matches = shown.lines.indices.map { i in
                i < spans.count && i < normalized.count
                    && shown.lines[i].unicodeScalars.count == normalized[i].unicodeScalars.count ? spans[i] : []
            }
        }
        return PoemHit(id: record.id, score: score, title: shown.title, author: shown.author, dynasty: poem.dynasty,
                       lines: shown.lines, variants: try variantIDs(ofSequence: record.sequence), poem: poem,
                       matches: matches)
    }
}
