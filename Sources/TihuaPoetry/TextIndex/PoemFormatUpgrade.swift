import Foundation
import TihuaStore

/// Brings the poems of an index written before poem format 2 forward, in
/// place: each poem is normalised (OpenCC `profile`) and its form derived;
/// a poem whose normalised wording equals an earlier one's becomes a variant
/// of it (unless `keepDuplicates`); a poem whose embedded text changed loses
/// its vector (the next `embed` computes one from the normalised text); then
/// the phrase index and the rhyme table are built from the normalised text.
///
/// Resumable: the poems are rewritten in batches, each committed with the
/// sequence to continue from (`progressAttachment`), and the index is
/// rebuilt from scratch when the run that was building it did not finish.
/// Readers refuse the poems until the format is recorded at the end.
public enum PoemFormatUpgrade {
    public struct Summary: Encodable, Sendable, Equatable {
        /// Poems rewritten in the new format.
        public var poems = 0
        /// Poems merged into an earlier poem as its variants.
        public var merged = 0
        /// Vectors dropped because the embedded text changed.
        public var unembedded = 0
    }

    /// "SEQUENCE POEMS MERGED UNEMBEDDED" while poems are rewritten;
    /// "index POEMS MERGED UNEMBEDDED" while the phrase index is rebuilt.
    static let progressAttachment = "upgrade-progress"

    /// Upgrades `index` if its poems are in format 1 (or an upgrade was
    /// interrupted); returns what it did (zeros when there was nothing to do).
    public static func run(_ index: TihuaIndex, profile: String = "t2s", keepDuplicates: Bool = false,
                           batchSize: Int = 5_000) throws -> Summary {
        try run(index, profile: profile, keepDuplicates: keepDuplicates, batchSize: batchSize, stopAfterBatches: nil)
    }

    /// `stopAfterBatches` stops (as a killed run would) after that many
    /// batches of poems, for tests of resumption; returns nil then.
    @discardableResult
    static func run(_ index: TihuaIndex, profile: String, keepDuplicates: Bool, batchSize: Int,
                    stopAfterBatches: Int?) throws -> Summary {
        guard let c = try index.collection(BuiltinCollection.poems) else { return Summary() }
        guard let tables = try PoemTables.open(index, create: true) else {
            throw PoetryError(.io, "index \(index.path): cannot create the poems' phrase index")
        }
        let normalizer = PoemNormalizer(converter: try ScriptConverter.shared(profile: profile))
        var progress = try index.read { txn -> Progress? in
            let snapshot = try txn.snapshot(c)
            if let text = try snapshot.attachment(progressAttachment).map({ String(decoding: $0, as: UTF8.self) }),
               let p = Progress(text) { return p }
            let state = try PoemTextState(snapshot)
            return state.format == nil && snapshot.info.nextSequence > 0 ? Progress() : nil
        }
        guard var current = progress else { return Summary() }
        // 1. Poems, a batch at a time.
        var batches = 0
        while !current.rebuilding {
            if let stop = stopAfterBatches, batches == stop { return current.summary }
            batches += 1
            let start = current
            current = try index.write(c) { writer in
                try rewrite(from: start, batchSize: batchSize, writer, tables: tables, normalizer: normalizer,
                            keepDuplicates: keepDuplicates)
            }
        }
        progress = current
        // 2. The phrase index and rhymes, from every poem.
        let rhymes = try rebuildPhraseIndex(index, c, tables: tables)
        try index.write(c) { writer in
            try writer.setAttachment(RhymeTable.attachmentName, rhymes.encoded())
            try writer.setAttachment(PoemTables.profileAttachment, Array(normalizer.converter.profile.utf8))
            try writer.setAttachment(PoemTables.formatAttachment, Array(String(PoemTables.currentFormat).utf8))
            try writer.setAttachment(progressAttachment, [])
        }
        return progress!.summary
    }

    /// Where an upgrade stands.
    struct Progress {
        var next: UInt64 = 0
        var rebuilding = false
        var summary = Summary()

        init() {}

        init?(_ text: String) {
            let parts = text.split(separator: " ")
            guard parts.count == 4, let poems = Int(parts[1]), let merged = Int(parts[2]), let unembedded = Int(parts[3]) else {
                return nil
            }
            if parts[0] == "index" {
                rebuilding = true
            } else if let next = UInt64(parts[0]) {
                self.next = next
            } else {
                return nil
            }
            summary = Summary(poems: poems, merged: merged, unembedded: unembedded)
        }

        var text: String {
            "\(rebuilding ? "index" : String(next)) \(summary.poems) \(summary.merged) \(summary.unembedded)"
        }
    }

    /// Rewrites up to `batchSize` poems from `progress.next` in one transaction.
    private static func rewrite(from progress: Progress, batchSize: Int, _ writer: CollectionWriter, tables: PoemTables,
                                normalizer: PoemNormalizer, keepDuplicates: Bool) throws -> Progress {
        var progress = progress
        var batch: [(id: String, sequence: UInt64, document: [UInt8], embedded: Bool)] = []
        try writer.snapshot.forEachRecord(from: progress.next) { record in
            batch.append((record.id, record.sequence, Array(record.document), record.vectorRow != nil))
            return batch.count < batchSize
        }
        guard let last = batch.last else {
            progress.rebuilding = true
            try writer.setAttachment(progressAttachment, Array(progress.text.utf8))
            return progress
        }
        guard last.sequence < UInt64(UInt32.max) else {
            throw PoetryError(.unsupported, "collection \(writer.snapshot.name): the poems have used every sequence number (\(UInt32.max))")
        }
        let txn = writer.transaction
        let decoder = JSONDecoder()
        var serial = try PoemTextState(writer.snapshot).variantsPublished
        for item in batch {
            let stored = try decoder.decode(Poem.self, from: Data(item.document))
            let poem = try normalizer.normalize(stored: stored)
            let wording = PoemText.wording(poem.normalizedLines)
            let key = TextIndexMaintenance.keyBytes(PoemText.duplicateKey(poem.normalizedLines))
            let owner = try txn.withValue(in: tables.keys, key: key) { value -> UInt32? in
                guard let value, value.count == 4 else { return nil }
                return UInt32(littleEndian: value.loadUnaligned(as: UInt32.self))
            }
            // The key's owner, if it is still a poem; it is the poem this one
            // duplicates when their wordings agree.
            let ownerRecord = try owner.flatMap { try writer.snapshot.record(sequence: UInt64($0)) }
            var canonical: UInt32?
            if let owner, let ownerRecord,
               PoemText.wording(try decoder.decode(Poem.self, from: Data(ownerRecord.document)).normalizedLines) == wording {
                canonical = owner
            }
            let document = PoemDocument.encode(poem)
            if let canonical, !keepDuplicates {
                try PoemVariants.add(id: item.id, document: document, to: canonical, serial: serial, tables: tables, in: txn)
                serial += 1
                try writer.delete(item.id)
                progress.summary.merged += 1
                continue
            }
            try document.withUnsafeBytes { _ = try writer.replaceDocument(id: item.id, document: $0) }
            if item.embedded, poem.embeddingText != stored.embeddingTextAsWritten {
                try writer.detachVector(id: item.id)
                progress.summary.unembedded += 1
            }
            if ownerRecord == nil {
                try txn.put(in: tables.keys, key: key, value: Postings.encode([UInt32(item.sequence)]))
            }
            progress.summary.poems += 1
        }
        progress.next = last.sequence + 1
        try writer.setAttachment(PoemTables.variantsAttachment, Array(String(serial).utf8))
        try writer.setAttachment(progressAttachment, Array(progress.text.utf8))
        return progress
    }

    /// Empties and refills the gram and facet tables from every poem; returns
    /// the rhyme table of the normalised lines.
    static func rebuildPhraseIndex(_ index: TihuaIndex, _ c: Collection, tables: PoemTables) throws -> RhymeTable {
        try index.write(c) { writer in
            try writer.transaction.removeAll(in: tables.grams)
            try writer.transaction.removeAll(in: tables.facets)
        }
        var rhymes = RhymeTable()
        var facets: [[UInt8]: [UInt32]] = [:]
        var windowStart: UInt64 = 0
        let window: UInt64 = 1 << PostingWriter.offsetBits
        var first = true
        while true {
            var packed: [UInt64] = []
            var more = false
            try index.read { txn in
                let decoder = JSONDecoder()
                try txn.snapshot(c).forEachRecord(from: windowStart) { record in
                    guard record.sequence < windowStart + window else { more = true; return false }
                    let poem = try decoder.decode(Poem.self, from: Data(record.document))
                    let offset = record.sequence - windowStart
                    for code in Gram.codes(of: poem) { packed.append(code << PostingWriter.offsetBits | offset) }
                    for facet in Facet.of(poem) { facets[facet.key, default: []].append(UInt32(record.sequence)) }
                    rhymes.add(lines: poem.normalizedLines)
                    return true
                }
            }
            RadixSort.sort(&packed)
            try PostingWriter.write([packed], base: UInt32(windowStart), into: tables.grams, append: first, batchKeys: 200_000) { body in
                try index.write(c) { try body($0.transaction) }
            }
            first = false
            guard more else { break }
            windowStart += window
        }
        try PostingWriter.append(facets, into: tables.facets, batchKeys: 200_000) { body in
            try index.write(c) { try body($0.transaction) }
        }
        return rhymes
    }
}

extension Poem {
    /// The text a format-1 index embedded: the lines as written.
    var embeddingTextAsWritten: String { lines.joined(separator: "，") + "。" }
}
