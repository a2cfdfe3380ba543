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

/// Imports poem corpora into the `poems` collection: all or nothing for
/// readers. Files are parsed on all cores, then written in batches of a
/// staged write published at the end.
public struct PoemImport {
    public var paths: [String]
    public var format: CorpusFormat
    public var skipInvalid: Bool
    public var batchSize = 25_000

    public init(paths: [String], format: CorpusFormat = .auto, skipInvalid: Bool = false) {
        self.paths = paths
        self.format = format
        self.skipInvalid = skipInvalid
    }

    /// Reads every file and returns the valid poems in file order; without
    /// `skipInvalid` the first invalid record is an error naming it.
    public func readPoems(summary: inout ImportSummary) throws -> [Poem] {
        let files = try CorpusFiles.expand(paths)
        var perFile = [Result<[CorpusRecord], Error>](repeating: .success([]), count: files.count)
        perFile.withUnsafeMutableBufferPointer { results in
            Parallel.forEachChunk(count: files.count) { _, range in
                for i in range {
                    results[i] = Result { try CorpusFiles.read(files[i], format: format) }
                }
            }
        }
        var poems: [Poem] = []
        for result in perFile {
            for record in try result.get() {
                switch record {
                case .poem(let poem):
                    poems.append(poem)
                case .invalid(let location, let reason):
                    guard skipInvalid else {
                        throw PoetryError("\(location): \(reason) (nothing was imported; --skip-invalid skips such records)")
                    }
                    summary.skipped += 1
                    summary.skippedRecords.append("\(location): \(reason)")
                }
            }
        }
        return poems
    }

    /// The JSON documents of `poems`, encoded on all cores.
    static func encodeDocuments(_ poems: [Poem]) -> [[UInt8]] {
        var documents = [[UInt8]](repeating: [], count: poems.count)
        documents.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(count: poems.count, minChunk: 1024) { _, range in
                for i in range { out[i] = PoemDocument.encode(poems[i]) }
            }
        }
        return documents
    }

    public func run(into index: TihuaIndex, progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportSummary {
        var summary = ImportSummary()
        let poems = try readPoems(summary: &summary)
        let documents = Self.encodeDocuments(poems)
        let collection = try index.prepareCollection(BuiltinCollection.poems)
        try index.stagedWrite(collection) { staged in
            var start = 0
            while start < poems.count {
                let range = start..<min(poems.count, start + batchSize)
                let (added, duplicates) = try staged.batch { writer -> (Int, Int) in
                    var added = 0, duplicates = 0
                    for i in range {
                        if try documents[i].withUnsafeBytes({ try writer.addRecord(id: poems[i].id, document: $0) }) {
                            added += 1
                        } else {
                            duplicates += 1
                        }
                    }
                    return (added, duplicates)
                }
                summary.imported += added
                summary.duplicates += duplicates
                start = range.upperBound
                progress(start, poems.count)
            }
        }
        return summary
    }
}
