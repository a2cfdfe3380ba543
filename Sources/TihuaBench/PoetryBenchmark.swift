import TihuaPoetry
import TihuaModels
import Foundation
import TihuaSearch
import TihuaStore

/// Latency of the image ↔ poem queries at real sizes, the image encoder
/// left out: the keyword prefix over a 6,808-keyword vocabulary, and image →
/// poems over an imported corpus (the 311k chinese-poetry poems) exact and
/// with IVF. Vectors are synthetic 512-dimensional embeddings.
public enum PoetryBenchmark {
    public struct Options: Sendable {
        public var keywords = 6808
        public var dimension = 512
        /// Corpus files or folders to import as the poems (none: skip that part).
        public var corpus: [String] = []
        public var queries = 200
        public var nprobe = 16
        /// Phrase and filtered search after the poems are embedded (nil: skipped).
        public var corpusSearch: CorpusSearchBenchmark.Options?
        public init() {}
    }

    public struct Report: Sendable, Codable {
        public var keywords: Int
        public var prefixP50Milliseconds: Double
        public var prefixP99Milliseconds: Double
        public var poems: Int?
        /// The poem import (normalisation, merging, phrase index), and what
        /// it added to the index file.
        public var importSeconds: Double?
        public var importMerged: Int?
        public var importIndexBytes: Int?
        public var poemsExactP50Milliseconds: Double?
        public var poemsExactP99Milliseconds: Double?
        public var ivfLists: Int?
        public var ivfBuildSeconds: Double?
        public var nprobe: Int?
        public var poemsIVFP50Milliseconds: Double?
        public var poemsIVFP99Milliseconds: Double?
        /// Share of the exact top-10 that IVF finds.
        public var ivfRecallAt10: Double?
        public var corpusSearch: CorpusSearchBenchmark.Report?
    }

    static let model = "benchmark-synthetic"

    public static func run(_ options: Options, scratch: String, progress: (String) -> Void = { _ in }) throws -> Report {
        let index = try TihuaIndex(path: scratch, create: true)
        let space = SyntheticEmbeddings(dimension: options.dimension)
        let queries = space.make(options.queries, seed: 99)
        func query(_ i: Int) -> [Float] { Array(queries[(i * options.dimension)..<((i + 1) * options.dimension)]) }
        let poetry = PoetryIndex(index: index)

        progress("keywords: \(options.keywords) synthetic vectors")
        let keywords = try index.prepareCollection(BuiltinCollection.keywords)
        let vectors = space.make(options.keywords, seed: 1)
        try index.write(keywords) { writer in
            try vectors.withUnsafeBufferPointer {
                try writer.addVectors(ids: (0..<options.keywords).map { "keyword\($0)" }, vectors: $0.baseAddress!,
                                      dimension: options.dimension)
            }
            writer.setModel(model)
        }
        let prefix = try Percentile.latencies(options.queries) { _ = try poetry.keywords(near: query($0), model: model, k: 8) }
        var report = Report(keywords: options.keywords, prefixP50Milliseconds: prefix.p50, prefixP99Milliseconds: prefix.p99)
        guard !options.corpus.isEmpty else { return report }

        progress("poems: importing \(options.corpus.joined(separator: " "))")
        var importer = PoemImport(paths: options.corpus, skipInvalid: true)
        importer.batchSize = 50_000
        let sizeBefore = Self.fileSize(scratch + "/data.mdb")
        let importStart = Date()
        let summary = try importer.run(into: index)
        report.importSeconds = Date().timeIntervalSince(importStart)
        report.importMerged = summary.merged
        report.importIndexBytes = Self.fileSize(scratch + "/data.mdb") - sizeBefore
        guard let poems = try index.collection(BuiltinCollection.poems) else { throw StoreError.noCollection(BuiltinCollection.poems, in: index.path) }
        let ids: [String] = try index.read { txn in
            var ids: [String] = []
            try txn.snapshot(poems).forEachRecord { ids.append($0.id); return true }
            return ids
        }
        progress("poems: attaching \(ids.count) synthetic vectors")
        for start in stride(from: 0, to: ids.count, by: 20_000) {
            let batch = Array(ids[start..<min(ids.count, start + 20_000)])
            let v = space.make(batch.count, seed: 1000 + UInt64(start))
            try index.write(poems) { writer in
                try v.withUnsafeBufferPointer {
                    try writer.attachVectors(ids: batch, vectors: $0.baseAddress!, dimension: options.dimension)
                }
                writer.setModel(model)
            }
        }
        report.poems = ids.count
        let exactTimes = try Percentile.latencies(options.queries) {
            _ = try poetry.poems(near: query($0), model: model, k: 10, method: .exact)
        }
        (report.poemsExactP50Milliseconds, report.poemsExactP99Milliseconds) = (exactTimes.p50, exactTimes.p99)
        if let o = options.corpusSearch {
            report.corpusSearch = try CorpusSearchBenchmark.run(index, queries: queries, dimension: options.dimension,
                                                                options: o, progress: progress)
        }

        progress("poems: building the IVF index")
        let start = Date()
        let built = try IVFBuilder.build(index: index, collection: BuiltinCollection.poems)
        report.ivfBuildSeconds = Date().timeIntervalSince(start)
        report.ivfLists = built.lists
        report.nprobe = options.nprobe
        let ivfTimes = try Percentile.latencies(options.queries) {
            _ = try poetry.poems(near: query($0), model: model, k: 10, method: .ivf(nprobe: options.nprobe))
        }
        (report.poemsIVFP50Milliseconds, report.poemsIVFP99Milliseconds) = (ivfTimes.p50, ivfTimes.p99)
        var found = 0
        for q in 0..<options.queries {
            let exact = Set(try poetry.poems(near: query(q), model: model, k: 10, method: .exact).map(\.id))
            let ivf = try poetry.poems(near: query(q), model: model, k: 10, method: .ivf(nprobe: options.nprobe))
            found += ivf.filter { exact.contains($0.id) }.count
        }
        report.ivfRecallAt10 = Double(found) / Double(10 * options.queries)
        return report
    }

    /// The size of a file; 0 when absent. An LMDB file grows in steps, so
    /// this is the space it takes, not the bytes its pages hold.
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
