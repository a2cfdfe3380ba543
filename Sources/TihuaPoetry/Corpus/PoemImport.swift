import Foundation
import TihuaCompute
import TihuaStore

/// What an import did.
public struct ImportSummary: Codable, Sendable, Equatable {
    public var imported = 0
    /// Invalid records skipped (only with `skipInvalid`).
    public var skipped = 0
    /// Records whose id was in the index already or earlier in the import.
    public var duplicates = 0
    /// Poems whose normalised wording equals a poem's already in the index
    /// (or earlier in the import): recorded as variants of it, not as poems.
    public var merged = 0
    /// Where each skipped record was and why ("FILE line N: reason").
    public var skippedRecords: [String] = []
    /// Files not read, and why ("PATH: reason"): not regular files, unusable
    /// names, or (with `skipInvalid`) unreadable.
    public var skippedFiles: [String] = [] { didSet { skippedFileCount = skippedFiles.count } }
    /// How many files were not read (what the JSON form carries).
    public private(set) var skippedFileCount = 0

    public init(imported: Int = 0, skipped: Int = 0, duplicates: Int = 0, merged: Int = 0,
                skippedRecords: [String] = [], skippedFiles: [String] = []) {
        self.imported = imported
        self.skipped = skipped
        self.duplicates = duplicates
        self.merged = merged
        self.skippedRecords = skippedRecords
        self.skippedFiles = skippedFiles
        skippedFileCount = skippedFiles.count
    }

    enum CodingKeys: String, CodingKey { case imported, skipped, duplicates, merged, skippedFileCount = "skipped_files" }
}

/// Imports poem corpora into the `poems` collection, all or nothing for
/// readers.
///
/// Files are read in groups of about 32 MiB: while one group is written (in
/// batches of a staged write published at the end), the next is parsed and
/// normalised on the other cores, so memory stays bounded by two groups plus
/// the phrase postings of the import (8 bytes per distinct character bigram
/// of a poem), which are sorted in the background and written at the end.
///
/// Each poem is normalised (`PoemNormalizer`: OpenCC `scriptProfile`, its
/// form derived); one whose normalised wording equals a poem's already in
/// the index becomes a variant of that poem (`merged`), unless
/// `keepDuplicates`. Ids made from file names (`FILESTEM:N`) that already
/// name a different poem (a file of the same name in another folder) are
/// qualified by the file's folders, nearest first (`b/c:1`, then `a/b/c:1`).
public struct PoemImport {
    public var paths: [String]
    public var format: CorpusFormat
    public var skipInvalid: Bool
    /// Keep poems that duplicate one in the index as poems of their own.
    public var keepDuplicates = false
    /// The OpenCC profile the poems are normalised with (recorded in the
    /// index: later imports and queries use the same).
    public var scriptProfile = "t2s"
    public var batchSize = 25_000
    public var groupBytes = 16 << 20
    /// Keys written per transaction when the phrase index is written.
    var tableBatch = 20_000

    public init(paths: [String], format: CorpusFormat = .auto, skipInvalid: Bool = false) {
        self.paths = paths
        self.format = format
        self.skipInvalid = skipInvalid
    }

    /// One valid poem as parsed, normalised and prepared for writing.
    struct Entry {
        var poem: Poem
        var document: [UInt8]
        var location: String
        var derivedNumber: Int?
        /// Index of its file in the group.
        var file: Int
        var duplicateKey: UInt64
        /// Its grams (with repeats): `ParsedGroup.gramCodes[grams]`.
        var grams: Range<Int>
        /// Its rhyming pairs: `ParsedGroup.rhymeCodes[rhymes]`.
        var rhymes: Range<Int>
    }

    /// The valid poems of some files, in file order.
    struct ParsedGroup {
        var files: [String] = []
        var entries: [Entry] = []
        var skipped: [String] = []
        var skippedFiles: [String] = []
        var bytes = 0
        /// The rhyming pairs of the entries (see `RhymeTable.appendPairs`).
        var rhymeCodes: [UInt64] = []
        var gramCodes: [UInt64] = []
    }

    /// Reads and normalises `files` on all cores; without `skipInvalid` the
    /// first invalid record (in file order) is an error naming it.
    func parse(_ files: [(path: String, size: Int)], normalizer: PoemNormalizer) throws -> ParsedGroup {
        var perFile = [Result<([Entry], [String], [UInt64], [UInt64]), Error>](repeating: .success(([], [], [], [])), count: files.count)
        let skipInvalid = skipInvalid
        perFile.withUnsafeMutableBufferPointer { results in
            Parallel.forEachChunk(count: files.count) { _, range in
                for i in range {
                    results[i] = Result {
                        var entries: [Entry] = []
                        var invalid: [String] = []
                        var rhymes: [UInt64] = []
                        var grams: [UInt64] = []
                        for record in try CorpusFiles.read(files[i].path, format: format) {
                            switch record {
                            case .poem(let read):
                                let poem = try normalizer.normalize(read)
                                let start = rhymes.count, gramStart = grams.count
                                RhymeTable.appendPairs(of: poem.normalizedLines, to: &rhymes)
                                Gram.appendCodes(of: poem, to: &grams)
                                entries.append(Entry(poem: poem, document: PoemDocument.encode(poem), location: read.location,
                                                     derivedNumber: read.derivedNumber, file: i,
                                                     duplicateKey: PoemText.duplicateKey(poem.normalizedLines),
                                                     grams: gramStart..<grams.count, rhymes: start..<rhymes.count))
                            case .invalid(let location, let reason):
                                invalid.append("\(location): \(reason)")
                                if !skipInvalid { return (entries, invalid, rhymes, grams) }
                            }
                        }
                        return (entries, invalid, rhymes, grams)
                    }
                }
            }
        }
        var group = ParsedGroup(files: files.map(\.path), bytes: files.reduce(0) { $0 + $1.size })
        group.entries.reserveCapacity(perFile.reduce(0) { $0 + ((try? $1.get().0.count) ?? 0) })
        for result in perFile {
            var (entries, invalid, rhymes, grams): ([Entry], [String], [UInt64], [UInt64])
            do {
                (entries, invalid, rhymes, grams) = try result.get()
            } catch let error as PoetryError where skipInvalid {
                group.skippedFiles.append(error.message)
                continue
            }
            if let first = invalid.first, !skipInvalid {
                throw PoetryError(.badInput, "\(first) (nothing was imported)", remedy: .skipInvalid)
            }
            group.skipped += invalid
            let (r, g) = (group.rhymeCodes.count, group.gramCodes.count)
            for e in entries.indices {
                entries[e].rhymes = (entries[e].rhymes.lowerBound + r)..<(entries[e].rhymes.upperBound + r)
                entries[e].grams = (entries[e].grams.lowerBound + g)..<(entries[e].grams.upperBound + g)
            }
            group.entries += entries
            group.rhymeCodes += rhymes
            group.gramCodes += grams
        }
        return group
    }

    /// Reads and normalises the files and returns their valid poems (no
    /// index involved).
    public func readPoems() throws -> (poems: [Poem], skipped: [String]) {
        let walk = try CorpusFiles.expand(paths)
        let normalizer = PoemNormalizer(converter: try ScriptConverter.shared(profile: scriptProfile))
        let group = try parse(walk.files.map { ($0, 0) }, normalizer: normalizer)
        return (group.entries.map(\.poem), group.skipped)
    }

    /// `progress(bytesDone, bytesTotal)` is called after each written batch.
    public func run(into index: TihuaIndex, progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportSummary {
        let walk = try CorpusFiles.expand(paths)
        let files = walk.files.map { ($0, Self.size(of: $0)) }
        let groups = Self.groups(of: files, maxBytes: groupBytes)
        let totalBytes = files.reduce(0) { $0 + $1.1 }
        let collection = try index.prepareCollection(BuiltinCollection.poems)
        guard let tables = try PoemTables.open(index, create: true) else {
            throw PoetryError(.io, "index \(index.path): cannot create the poems' phrase index")
        }
        try PoemFormatCheck.requireWritable(index, profile: scriptProfile)
        let normalizer = PoemNormalizer(converter: try ScriptConverter.shared(profile: scriptProfile))
        var summary = ImportSummary(skippedFiles: walk.skipped.map(\.description))
        var doneBytes = 0
        var rhymes = try RhymeTable.stored(in: index)
        var rhymeCodes: [UInt64] = []
        try index.write(collection) { collectionWriter in
            let writer = try ImportWriter(writer: collectionWriter, tables: tables, keepDuplicates: keepDuplicates,
                                          tableBatch: tableBatch, indexPath: index.path)
            var next = groups.first.map { group in Background { try self.parse(group, normalizer: normalizer) } }
            defer { next?.wait() }  // never leave a parse running behind an error
            for g in groups.indices {
                let group = try next!.result()
                next = g + 1 < groups.count
                    ? Background { [groups] in try self.parse(groups[g + 1], normalizer: normalizer) } : nil
                summary.skipped += group.skipped.count
                summary.skippedRecords += group.skipped
                summary.skippedFiles += group.skippedFiles
                var start = 0
                while start < group.entries.count {
                    let range = start..<min(group.entries.count, start + batchSize)
                    let dropped = Set(try writer.write(group, range))
                    for i in range where !dropped.contains(i) { rhymeCodes += group.rhymeCodes[group.entries[i].rhymes] }
                    start = range.upperBound
                    progress(doneBytes + group.bytes * start / max(1, group.entries.count), totalBytes)
                }
                try writer.finishGroup(group)
                doneBytes += group.bytes
            }
            try writer.finish()
            rhymes.add(pairCodes: rhymeCodes)
            summary.imported = writer.imported
            summary.duplicates = writer.duplicates
            summary.merged = writer.merged
            try collectionWriter.setAttachment(RhymeTable.attachmentName, rhymes.encoded())
            try collectionWriter.setAttachment(PoemTables.formatAttachment, Array(String(PoemTables.currentFormat).utf8))
            try collectionWriter.setAttachment(PoemTables.profileAttachment, Array(normalizer.converter.profile.utf8))
            try collectionWriter.setAttachment(PoemTables.variantsAttachment, Array(String(writer.nextSerial).utf8))
            // Cleared in the transaction that publishes.
            try PoemTables.setPending(nil, tables: tables, in: collectionWriter.transaction)
        }
        return summary
    }

    static func size(of path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Consecutive files grouped to about `maxBytes` each (a file is never split).
    static func groups(of files: [(path: String, size: Int)], maxBytes: Int) -> [[(path: String, size: Int)]] {
        var groups: [[(path: String, size: Int)]] = []
        var current: [(path: String, size: Int)] = []
        var bytes = 0
        for file in files {
            if !current.isEmpty && bytes + file.size > maxBytes {
                groups.append(current)
                current = []
                bytes = 0
            }
            current.append(file)
            bytes += file.size
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}
