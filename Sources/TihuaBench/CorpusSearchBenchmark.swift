import Foundation
import TihuaCompute
import TihuaPoetry
import TihuaSearch
import TihuaStore

/// Phrase search and filtered vector search over an imported, embedded
/// corpus (run by `PoetryBenchmark` after it attached the vectors).
///
/// - Phrases: `--contains` of 2- and 4-character phrases drawn from the
///   poems' normalised lines (seeded), the first 10 poems as the CLI asks
///   for them (documents decoded).
/// - Filtered search: exact top-10 among a random share of the rows (50 %,
///   5 %, 0.1 %), against the unfiltered exact search of the same queries,
///   the two interleaved query by query; each filtered answer is checked
///   against brute force over the allowed rows.
/// - With `exportFolder`, the vectors, queries, allowed rows and answers are
///   written there (raw little-endian files and a JSON index) for
///   Tools/bench/filtered_vs_faiss.py, which runs FAISS on the same data.
public enum CorpusSearchBenchmark {
    public struct Options: Sendable {
        public var phraseQueries = 500
        public var vectorQueries = 100
        public var selectivities = [0.5, 0.05, 0.001]
        public var exportFolder: String?
        public init() {}
    }

    public struct Filtered: Sendable, Codable {
        public var selectivity: Double
        public var allowed: Int
        /// `FilteredSearch.Path` taken.
        public var path: String
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        /// The unfiltered exact search of the same queries, interleaved.
        public var unfilteredP50Milliseconds: Double
        /// Queries whose answer equals brute force over the allowed rows.
        public var exactAnswers: Int
    }

    public struct Report: Sendable, Codable {
        public var phrase2P50Milliseconds: Double
        public var phrase2P99Milliseconds: Double
        public var phrase4P50Milliseconds: Double
        public var phrase4P99Milliseconds: Double
        /// Mean poems matching a phrase (all of them, not only the 10 shown).
        public var phrase2MeanMatches: Double
        public var phrase4MeanMatches: Double
        public var filtered: [Filtered]
    }

    public static func run(_ index: TihuaIndex, queries: [Float], dimension: Int, options: Options,
                           progress: (String) -> Void = { _ in }) throws -> Report {
        let poetry = PoetryIndex(index: index)
        guard let poems = try index.collection(BuiltinCollection.poems) else {
            throw StoreError.noCollection(BuiltinCollection.poems, in: index.path)
        }
        progress("phrases: drawing \(options.phraseQueries) of 2 and of 4 characters")
        let ids: [String] = try index.read { txn in
            var ids: [String] = []
            try txn.snapshot(poems).forEachRecord { ids.append($0.id); return true }
            return ids
        }
        var rng = SeededRandom(seed: 11)
        var phrases: [Int: [String]] = [2: [], 4: []]
        while phrases[2]!.count < options.phraseQueries || phrases[4]!.count < options.phraseQueries {
            let id = ids[Int(rng.next() % UInt64(ids.count))]
            guard let poem = try poetry.poems(ids: [id]).first ?? nil else { continue }
            let lines = poem.normalizedLines.map { Array($0.unicodeScalars).filter { $0.properties.isIdeographic } }
            guard let line = lines.isEmpty ? nil : lines[Int(rng.next() % UInt64(lines.count))] else { continue }
            for n in [2, 4] where phrases[n]!.count < options.phraseQueries && line.count >= n {
                let start = Int(rng.next() % UInt64(line.count - n + 1))
                var s = String.UnicodeScalarView()
                s.append(contentsOf: line[start..<(start + n)])
                phrases[n]!.append(String(s))
            }
        }
        func phraseTimes(_ list: [String]) throws -> (p50: Double, p99: Double, mean: Double) {
            let times = try Percentile.latencies(list.count) { _ = try poetry.poems(PoemQuery(contains: list[$0], k: 10)) }
            var matches = 0
            for p in list.prefix(100) { matches += try poetry.poems(PoemQuery(contains: p, k: EngineLimits.maxK)).count }
            return (times.p50, times.p99, Double(matches) / Double(min(100, list.count)))
        }
        progress("phrases: timing")
        let two = try phraseTimes(phrases[2]!)
        let four = try phraseTimes(phrases[4]!)
        var report = Report(phrase2P50Milliseconds: two.p50, phrase2P99Milliseconds: two.p99,
                            phrase4P50Milliseconds: four.p50, phrase4P99Milliseconds: four.p99,
                            phrase2MeanMatches: two.mean, phrase4MeanMatches: four.mean, filtered: [])

        let queryCount = min(options.vectorQueries, queries.count / dimension)
        let matrices = try (0..<queryCount).map {
            try QueryMatrix(Array(queries[($0 * dimension)..<(($0 + 1) * dimension)]), dimension: dimension)
        }
        var export: [String: Any] = ["dimension": dimension, "queries": queryCount, "k": 10, "filters": []]
        try index.read { txn in
            let snapshot = try txn.snapshot(poems)
            let rows = snapshot.vectorCount
            if let folder = options.exportFolder {
                progress("export: \(rows) vectors to \(folder)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let handle = try create(folder + "/vectors.f32")
                var chunk: [Float] = []
                for row in 0..<rows {
                    try snapshot.withVector(row: row) { chunk.append(contentsOf: $0) }
                    if chunk.count >= 1 << 20 || row == rows - 1 {
                        handle.write(chunk.withUnsafeBytes { Data($0) })
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                try handle.close()
                try write(queries.prefix(queryCount * dimension).withUnsafeBytes { Data($0) }, folder + "/queries.f32")
                export["rows"] = rows
            }
            var filters: [[String: Any]] = []
            for selectivity in options.selectivities {
                var pick = SeededRandom(seed: UInt64(selectivity * 1e6) + 5)
                let allowed = max(1, Int((Double(rows) * selectivity).rounded()))
                // A random subset of `allowed` rows (partial Fisher–Yates).
                var all = Array(0..<rows)
                for i in 0..<allowed { all.swapAt(i, i + Int(pick.next() % UInt64(rows - i))) }
                let chosen = all.prefix(allowed).sorted()
                let filter = RowFilter(rows: chosen, rowCount: rows)
                let path = FilteredSearch.path(snapshot, filter: filter, k: 10, method: .exact)
                progress("filtered: \(selectivity * 100) % (\(allowed) rows, \(path))")
                var filtered: [Double] = [], plain: [Double] = []
                var answers: [[Int]] = []
                _ = try FilteredSearch.search(snapshot, queries: matrices[0], k: 10, filter: filter, method: .exact)
                _ = try VectorSearch.neighbors(snapshot, matrices[0], k: 10, method: .exact)
                for q in matrices {
                    var start = DispatchTime.now().uptimeNanoseconds
                    let found = try FilteredSearch.search(snapshot, queries: q, k: 10, filter: filter, method: .exact)
                    filtered.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    start = DispatchTime.now().uptimeNanoseconds
                    _ = try VectorSearch.neighbors(snapshot, q, k: 10, method: .exact)
                    plain.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    answers.append(found.hits(query: 0).map(\.row))
                }
                // Brute force over the allowed rows, ties by lower row.
                var exact = 0
                for (q, matrix) in matrices.enumerated() {
                    var scored: [(row: Int, score: Float)] = []
                    for row in chosen {
                        let s = try snapshot.withVector(row: row) { v in
                            matrix.values.withUnsafeBufferPointer { VectorMath.dot($0.baseAddress!, v.baseAddress!, dimension) }
                        }
                        scored.append((row, s))
                    }
                    scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
                    if scored.prefix(10).map(\.row) == answers[q] { exact += 1 }
                }
                filtered.sort()
                plain.sort()
                report.filtered.append(Filtered(
                    selectivity: selectivity, allowed: allowed, path: "\(path)",
                    p50Milliseconds: Percentile.nearestRank(filtered, 0.5), p99Milliseconds: Percentile.nearestRank(filtered, 0.99),
                    unfilteredP50Milliseconds: Percentile.nearestRank(plain, 0.5), exactAnswers: exact))
                if let folder = options.exportFolder {
                    let name = "allowed-\(allowed).i64"
                    try write(chosen.map { Int64($0) }.withUnsafeBytes { Data($0) }, folder + "/" + name)
                    let flat = answers.flatMap { $0.map { Int64($0) } + Array(repeating: -1, count: 10 - $0.count) }
                    try write(flat.withUnsafeBytes { Data($0) }, folder + "/answers-\(allowed).i64")
                    filters.append(["selectivity": selectivity, "allowed": allowed, "rows": name, "answers": "answers-\(allowed).i64",
                                    "tihua_p50_ms": Percentile.nearestRank(filtered, 0.5),
                                    "tihua_unfiltered_p50_ms": Percentile.nearestRank(plain, 0.5)])
                }
            }
            export["filters"] = filters
        }
        if let folder = options.exportFolder {
            let data = try JSONSerialization.data(withJSONObject: export, options: [.sortedKeys])
            try write(data, folder + "/export.json")
        }
        return report
    }

    private static func write(_ data: Data, _ path: String) throws {
        try data.write(to: URL(fileURLWithPath: path))
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return handle
    }
}
