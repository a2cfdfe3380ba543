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
    /// Where each skipped record was and why ("FILE line N: reason").
    public var skippedRecords: [String] = []

    enum CodingKeys: String, CodingKey { case imported, skipped, duplicates }
}

/// Imports poem corpora into the `poems` collection, all or nothing for
/// readers. Files are read in groups of about 32 MiB: while one group is
/// written (in batches of one write, published at the end), the next is
/// parsed on the other cores, so memory stays bounded by two groups.
public struct PoemImport {
    public var paths: [String]
    public var format: CorpusFormat
    public var skipInvalid: Bool
    public var batchSize = 25_000
    public var groupBytes = 32 << 20

    public init(paths: [String], format: CorpusFormat = .auto, skipInvalid: Bool = false) {
        self.paths = paths
        self.format = format
        self.skipInvalid = skipInvalid
    }

    /// The valid poems of some files, in file order, with their documents.
    struct ParsedGroup {
        var poems: [Poem] = []
        var documents: [[UInt8]] = []
        var skipped: [String] = []
        var bytes = 0
        /// The rhymes of `poems`, counted while parsing (off the writing thread).
        var rhymes = RhymeTable()
    }

    /// Reads `files` on all cores; without `skipInvalid` the first invalid
    /// record (in file order) is an error naming it.
    func parse(_ files: [(path: String, size: Int)]) throws -> ParsedGroup {
        var perFile = [Result<[CorpusRecord], Error>](repeating: .success([]), count: files.count)
        perFile.withUnsafeMutableBufferPointer { results in
            Parallel.forEachChunk(count: files.count) { _, range in
                for i in range { results[i] = Result { try CorpusFiles.read(files[i].path, format: format) } }
            }
        }
        var group = ParsedGroup(bytes: files.reduce(0) { $0 + $1.size })
        for result in perFile {
            for record in try result.get() {
                switch record {
                case .poem(let poem):
                    group.poems.append(poem)
                case .invalid(let location, let reason):
                    guard skipInvalid else {
                        throw PoetryError(.badInput, "\(location): \(reason) (nothing was imported)", remedy: .skipInvalid)
                    }
                    group.skipped.append("\(location): \(reason)")
                }
            }
        }
        group.rhymes.add(group.poems)
        group.documents = [[UInt8]](repeating: [], count: group.poems.count)
        let poems = group.poems
        group.documents.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(count: poems.count, minChunk: 1024) { _, range in
                for i in range { out[i] = PoemDocument.encode(poems[i]) }
            }
        }
        return group
    }

    /// Reads the files and returns their valid poems (no index involved).
    public func readPoems() throws -> (poems: [Poem], skipped: [String]) {
        let group = try parse(try CorpusFiles.expand(paths).map { ($0, 0) })
        return (group.poems, group.skipped)
    }

    /// `progress(bytesDone, bytesTotal)` is called after each written batch.
    public func run(into index: TihuaIndex, progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportSummary {
        let files = try CorpusFiles.expand(paths).map { ($0, CorpusFiles.size(of: $0)) }
        let groups = Self.groups(of: files, maxBytes: groupBytes)
        let totalBytes = files.reduce(0) { $0 + $1.1 }
        let collection = try index.prepareCollection(BuiltinCollection.poems)
        var summary = ImportSummary()
        var doneBytes = 0
        var rhymes = try RhymeTable.stored(in: index)
        try index.write(collection) { writer in
            var next = groups.first.map { group in Background { try self.parse(group) } }
            defer { next?.wait() }  // never leave a parse running behind an error
            for g in groups.indices {
                var group = try next!.result()
                next = g + 1 < groups.count ? Background { [groups] in try self.parse(groups[g + 1]) } : nil
                summary.skipped += group.skipped.count
                summary.skippedRecords += group.skipped
                var start = 0
                while start < group.poems.count {
                    let range = start..<(start + min(max(1, batchSize), group.poems.count - start))
                    let duplicates = try range.filter { i in
                        try !group.documents[i].withUnsafeBytes {
                            try writer.addRecord(id: group.poems[i].id, document: $0)
                        }
                    }
                    try writer.commitBatch()
                    for i in duplicates { group.rhymes.remove(lines: group.poems[i].lines) }
                    summary.imported += range.count - duplicates.count
                    summary.duplicates += duplicates.count
                    start = range.upperBound
                    progress(doneBytes + group.bytes * start / max(1, group.poems.count), totalBytes)
                }
                rhymes.merge(group.rhymes)
                doneBytes += group.bytes
            }
            try writer.setAttachment(RhymeTable.attachmentName, rhymes.encoded())
        }
        return summary
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
