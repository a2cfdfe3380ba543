import Foundation
import TihuaStore

/// The writing side of `PoemImport`, inside its write: ids, merged
/// duplicates, records, and at the end the phrase index (grams, facets,
/// duplicate keys) of the poems it added.
///
/// Each batch works on local state and returns what it did; the writer
/// applies that after the batch commits.
final class ImportWriter {
    let writer: CollectionWriter
    let tables: PoemTables
    let keepDuplicates: Bool
    let tableBatch: Int
    let indexPath: String
    /// The first sequence of this import (the published `nextSequence`).
    let firstSequence: UInt32
    private(set) var nextSerial: UInt32
    private(set) var imported = 0, duplicates = 0, merged = 0
    /// Duplicate keys of the poems this import added → their sequences.
    private var importKeys: [UInt64: UInt32] = [:]
    private let keysWereEmpty: Bool
    private let variantsWereEmpty: Bool
    private let firstSerial: UInt32
    private var gramsAreEmpty: Bool
    /// Packed postings (gram code << 21 | sequence − `postingBase`), one
    /// sorted array per group (sorted in the background).
    private var postings: [Background<[UInt64]>] = []
    private var postingBase: UInt32
    private var facets: [Facet: [UInt32]] = [:]
    /// Sequences given to the entries of the group being written.
    private var groupSequences: [UInt32?] = []

    init(writer: CollectionWriter, tables: PoemTables, keepDuplicates: Bool, tableBatch: Int, indexPath: String) throws {
        self.writer = writer
        self.indexPath = indexPath
        self.tables = tables
        self.keepDuplicates = keepDuplicates
        self.tableBatch = tableBatch
        // Remove what a killed import left in the tables, then mark this one
        // as pending (cleared when it publishes).
        let w = writer
        let start: (UInt32, UInt32, Bool, Bool, Bool) = try {
            let state = try PoemTextState(w.snapshot)
            if let pending = try tables.pending(in: w.transaction) {
                try TextIndexMaintenance.discardUnpublished(from: pending, tables: tables, in: w.transaction)
            }
            guard w.info.nextSequence < UInt64(UInt32.max) else {
                throw PoetryError(.unsupported, "index \(indexPath): the poems have used every sequence number (\(UInt32.max))")
            }
            let first = UInt32(w.info.nextSequence)
            try PoemTables.setPending((first, state.variantsPublished), tables: tables, in: w.transaction)
            let result = (first, state.variantsPublished,
                          try w.transaction.entryCount(in: tables.keys) == 0, try w.transaction.entryCount(in: tables.grams) == 0,
                          try w.transaction.entryCount(in: tables.variantIDs) == 0)
            try w.commitBatch()
            return result
        }()
        (firstSequence, nextSerial, keysWereEmpty, gramsAreEmpty, variantsWereEmpty) = start
        firstSerial = nextSerial
        postingBase = firstSequence
    }

    private struct BatchOutcome {
        var dropped: [Int] = []
        var duplicates = 0
        var merged = 0
        var added: [(entry: Int, sequence: UInt32)] = []
        var keys: [UInt64: UInt32] = [:]
        var serial: UInt32 = 0
    }

    /// Writes `range` of the group's entries in one batch; returns the
    /// entries that were not added (duplicates and merged variants).
    func write(_ group: PoemImport.ParsedGroup, _ range: Range<Int>) throws -> [Int] {
        if groupSequences.count != group.entries.count {
            groupSequences = [UInt32?](repeating: nil, count: group.entries.count)
        }
        let startSerial = nextSerial
        let outcome = try batch { w -> BatchOutcome in
            var out = BatchOutcome(serial: startSerial)
            try group.entries.withUnsafeBufferPointer { entries in
                for i in range {
                    // Compared only when another poem has this id or key.
                    var wordingCache: [Unicode.Scalar]?
                    func wording() -> [Unicode.Scalar] {
                        if let w = wordingCache { return w }
                        let w = PoemText.wording(entries[i].poem.normalizedLines)
                        wordingCache = w
                        return w
                    }
                    guard let id = try resolveID(entries[i], path: group.files[entries[i].file], wording: wording, w,
                                                 serial: out.serial) else {
                        out.dropped.append(i)
                        out.duplicates += 1
                        continue
                    }
                    var document = entries[i].document
                    if id != entries[i].poem.id {
                        var renamed = entries[i].poem
                        renamed.id = id
                        document = PoemDocument.encode(renamed)
                    }
                    let key = entries[i].duplicateKey
                    let canonical = try sequence(of: key, wording: wording, w, local: out.keys)
                    if !keepDuplicates, let canonical {
                        try addVariant(id: id, document: document, of: canonical, serial: out.serial, w)
                        out.serial += 1
                        out.dropped.append(i)
                        out.merged += 1
                        continue
                    }
                    let sequence = w.info.nextSequence
                    guard sequence < UInt64(UInt32.max) else {
                        throw PoetryError(.unsupported, "index \(indexPath): the poems have used every sequence number (\(UInt32.max))")
                    }
                    guard try document.withUnsafeBytes({ try w.addRecord(id: id, document: $0) }) else {
                        out.dropped.append(i)
                        out.duplicates += 1
                        continue
                    }
                    if canonical == nil, try !hasKey(key, w, local: out.keys) {
                        out.keys[key] = UInt32(sequence)
                    }
                    out.added.append((i, UInt32(sequence)))
                }
            }
            return out
        }
        for (key, sequence) in outcome.keys { importKeys[key] = sequence }
        for (i, sequence) in outcome.added { groupSequences[i] = sequence }
        nextSerial = outcome.serial
        imported += outcome.added.count
        duplicates += outcome.duplicates
        merged += outcome.merged
        return outcome.dropped
    }

    /// Files the postings and facets of a written group.
    func finishGroup(_ group: PoemImport.ParsedGroup) throws {
        var packed: [UInt64] = []
        packed.reserveCapacity(group.gramCodes.count)
        for i in group.entries.indices {
            guard let sequence = groupSequences[i] else { continue }
            if UInt64(sequence - postingBase) >= 1 << PostingWriter.offsetBits {
                // More poems than an offset holds: write what is gathered.
                postings.append(Background { [packed] in var p = packed; RadixSort.sort(&p); return p })
                packed.removeAll(keepingCapacity: true)
                try writePostings()
                postingBase = sequence
            }
            let offset = UInt64(sequence - postingBase)
            for code in group.gramCodes[group.entries[i].grams] { packed.append(code << PostingWriter.offsetBits | offset) }
            for facet in Facet.of(group.entries[i].poem) { facets[facet, default: []].append(sequence) }
        }
        postings.append(Background { [packed] in var p = packed; RadixSort.sort(&p); return p })
        groupSequences = []
    }

    /// Writes the phrase index of the poems added (before publication).
    func finish() throws {
        try writePostings()
        try writeFacets()
        try writeKeys()
    }

    /// Runs `body` on the writer and commits what it wrote as one batch
    /// (unpublished until the import's write returns).
    private func batch<R>(_ body: (CollectionWriter) throws -> R) throws -> R {
        let result = try body(writer)
        try writer.commitBatch()
        return result
    }

    // MARK: Ids and duplicates

    /// The id the entry is stored under, or nil when it is a duplicate (its
    /// id names the same poem already).
    private func resolveID(_ entry: PoemImport.Entry, path: String, wording: () -> [Unicode.Scalar],
                           _ w: CollectionWriter, serial: UInt32) throws -> String? {
        if entry.derivedNumber == nil {
            let id = entry.poem.id
            if try w.contains(id) { return nil }
            if mayHaveVariants(serial), try PoemVariants.location(id: id, tables: tables, in: w.transaction, visibleBelow: serial) != nil {
                return nil
            }
            return id
        }
        for id in Self.qualifiedIDs(path: path, number: entry.derivedNumber!) {
            guard let existing = try poemNamed(id, w, serial: serial) else { return id }
            if PoemText.wording(existing.normalizedLines) == wording() { return nil }
        }
        return nil
    }

    /// `STEM:N`, then the stem qualified by the file's folders, nearest first.
    static func qualifiedIDs(path: String, number: Int) -> [String] {
        var parts = URL(fileURLWithPath: path).standardized.pathComponents.filter { $0 != "/" }
        guard let last = parts.popLast() else { return [] }
        var name = (last as NSString).deletingPathExtension
        var ids = ["\(name):\(number)"]
        while let folder = parts.popLast() {
            name = folder + "/" + name
            ids.append("\(name):\(number)")
        }
        return ids.filter { RecordID.problem(with: $0) == nil }
    }

    /// The poem or variant stored under `id` (as this write sees it).
    private func poemNamed(_ id: String, _ w: CollectionWriter, serial: UInt32) throws -> Poem? {
        if let record = try w.snapshot.record(id) {
            return try JSONDecoder().decode(Poem.self, from: Data(record.document))
        }
        guard mayHaveVariants(serial) else { return nil }
        return try PoemVariants.variant(id: id, tables: tables, in: w.transaction, visibleBelow: serial)
    }

    /// Whether any variant id can exist (skips a lookup per poem otherwise).
    private func mayHaveVariants(_ serial: UInt32) -> Bool { !variantsWereEmpty || serial > firstSerial }

    /// The sequence of the poem whose duplicate key is `key` and whose
    /// wording is `wording` (this import's, or one already in the index).
    private func sequence(of key: UInt64, wording: () -> [Unicode.Scalar], _ w: CollectionWriter,
                          local: [UInt64: UInt32]) throws -> UInt32? {
        guard let sequence = try local[key] ?? importKeys[key] ?? (keysWereEmpty ? nil : storedKey(key, w)) else { return nil }
        guard let record = try w.snapshot.record(sequence: UInt64(sequence)) else { return nil }
        let poem = try JSONDecoder().decode(Poem.self, from: Data(record.document))
        return PoemText.wording(poem.normalizedLines) == wording() ? sequence : nil
    }

    private func hasKey(_ key: UInt64, _ w: CollectionWriter, local: [UInt64: UInt32]) throws -> Bool {
        try local[key] != nil || importKeys[key] != nil || (!keysWereEmpty && storedKey(key, w) != nil)
    }

    private func storedKey(_ key: UInt64, _ w: CollectionWriter) throws -> UInt32? {
        try w.transaction.withValue(in: tables.keys, key: TextIndexMaintenance.keyBytes(key)) { value in
            guard let value, value.count == 4 else { return nil }
            return UInt32(littleEndian: value.loadUnaligned(as: UInt32.self))
        }
    }

    private func addVariant(id: String, document: [UInt8], of sequence: UInt32, serial: UInt32, _ w: CollectionWriter) throws {
        try PoemVariants.add(id: id, document: document, to: sequence, serial: serial, tables: tables, in: w.transaction)
    }

    // MARK: The phrase index

    private func writePostings() throws {
        let parts = try postings.map { try $0.result() }
        postings = []
        try PostingWriter.write(parts, base: postingBase, into: tables.grams, append: gramsAreEmpty, batchKeys: tableBatch) { body in
            try batch { try body($0.transaction) }
        }
        gramsAreEmpty = false
    }

    private func writeFacets() throws {
        var entries: [[UInt8]: [UInt32]] = [:]
        for (facet, sequences) in facets { entries[facet.key] = sequences }
        facets = [:]
        try PostingWriter.append(entries, into: tables.facets, batchKeys: tableBatch) { body in
            try batch { try body($0.transaction) }
        }
    }

    private func writeKeys() throws {
        let entries = importKeys.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: entries.count, by: tableBatch) {
            let chunk = entries[start..<min(entries.count, start + tableBatch)]
            let append = keysWereEmpty
            try batch { w in
                for (key, sequence) in chunk {
                    try w.transaction.put(in: tables.keys, key: TextIndexMaintenance.keyBytes(key),
                                          value: Postings.encode([sequence]), append: append)
                }
            }
        }
    }
}
