import TihuaBench
import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry

struct BenchPoetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poetry",
        abstract: "Latency of the keyword prefix and of image → poems, the image encoder left out.",
        discussion: """
        Builds a scratch index with synthetic 512-dimensional embeddings: 6,808 keywords, and \
        the poems of --corpus (e.g. ../shared/data/chinese-poetry/quan_tang_shi), searched \
        exactly and with an IVF index. Latencies are warm, in-process, per query.
        """)

    @Option(help: "Corpus files or folders for the poems (omit to time the keyword prefix only).")
    var corpus: [String] = []
    @Option(parsing: .unconditional, help: "Queries to time.") var queries = 200
    @Option(parsing: .unconditional, help: "IVF lists to scan.") var nprobe = 16
    @Flag(help: "Also time --contains phrases and filtered vector search (50 %, 5 %, 0.1 % of the poems).")
    var corpusSearch = false
    @Option(help: "With --corpus-search: write the vectors, queries, filters and answers here for Tools/bench/filtered_vs_faiss.py.")
    var export: String?
    @Option(help: "Scratch folder (removed afterwards).") var scratch = NSTemporaryDirectory() + "tihua-bench-poetry"
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--queries", queries, 1...1_000_000)
        try checkFlag("--nprobe", nprobe, 1...EngineLimits.maxLists)
    }

    func run() throws {
        try? FileManager.default.removeItem(atPath: scratch)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var options = PoetryBenchmark.Options()
        options.corpus = corpus
        options.queries = queries
        options.nprobe = nprobe
        if corpusSearch || export != nil {
            var search = CorpusSearchBenchmark.Options()
            search.exportFolder = export
            options.corpusSearch = search
        }
        let report = try PoetryBenchmark.run(options, scratch: scratch) { if !output.json { printNote($0) } }
        if output.json { return try printJSONLine(report) }
        let ms = { (x: Double?) in x.map { String(format: "%.3f ms", $0) } ?? "-" }
        var rows = [["measure", "value"],
                    ["keyword prefix (top 8 of \(report.keywords)) p50", ms(report.prefixP50Milliseconds)],
                    ["keyword prefix p99", ms(report.prefixP99Milliseconds)]]
        if let poems = report.poems {
            rows += [["import (normalise, merge, phrase index)", String(format: "%.2f s, %d merged, +%.0f MiB", report.importSeconds ?? 0,
                                                                   report.importMerged ?? 0, Double(report.importIndexBytes ?? 0) / 1048576)],
                     ["image → 10 poems of \(poems), exact p50", ms(report.poemsExactP50Milliseconds)],
                     ["… exact p99", ms(report.poemsExactP99Milliseconds)],
                     ["IVF build (\(report.ivfLists ?? 0) lists)", String(format: "%.1f s", report.ivfBuildSeconds ?? 0)],
                     ["image → 10 poems, IVF nprobe \(report.nprobe ?? 0) p50", ms(report.poemsIVFP50Milliseconds)],
                     ["… IVF p99", ms(report.poemsIVFP99Milliseconds)],
                     ["… IVF recall@10 vs exact", String(format: "%.3f", report.ivfRecallAt10 ?? 0)]]
        }
        if let c = report.corpusSearch {
            rows += [["--contains, 2 characters, p50 / p99", ms(c.phrase2P50Milliseconds) + " / " + ms(c.phrase2P99Milliseconds)
                        + String(format: " (%.0f poems match on average)", c.phrase2MeanMatches)],
                     ["--contains, 4 characters, p50 / p99", ms(c.phrase4P50Milliseconds) + " / " + ms(c.phrase4P99Milliseconds)
                        + String(format: " (%.1f poems match on average)", c.phrase4MeanMatches)]]
            for f in c.filtered {
                rows.append(["filtered exact top-10, \(f.selectivity * 100) % (\(f.allowed) rows, \(f.path)) p50",
                             ms(f.p50Milliseconds) + " (unfiltered " + ms(f.unfilteredP50Milliseconds)
                                + ", exact answers \(f.exactAnswers))"])
            }
        }
        for row in TextTable.align(rows) { printLine(row) }
    }
}
