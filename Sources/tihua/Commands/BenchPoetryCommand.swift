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
        let report = try PoetryBenchmark.run(options, scratch: scratch) { if !output.json { printNote($0) } }
        if output.json { return try printJSONLine(report) }
        let ms = { (x: Double?) in x.map { String(format: "%.3f ms", $0) } ?? "-" }
        var rows = [["measure", "value"],
                    ["keyword prefix (top 8 of \(report.keywords)) p50", ms(report.prefixP50Milliseconds)],
                    ["keyword prefix p99", ms(report.prefixP99Milliseconds)]]
        if let poems = report.poems {
            rows += [["image → 10 poems of \(poems), exact p50", ms(report.poemsExactP50Milliseconds)],
                     ["… exact p99", ms(report.poemsExactP99Milliseconds)],
                     ["IVF build (\(report.ivfLists ?? 0) lists)", String(format: "%.1f s", report.ivfBuildSeconds ?? 0)],
                     ["image → 10 poems, IVF nprobe \(report.nprobe ?? 0) p50", ms(report.poemsIVFP50Milliseconds)],
                     ["… IVF p99", ms(report.poemsIVFP99Milliseconds)],
                     ["… IVF recall@10 vs exact", String(format: "%.3f", report.ivfRecallAt10 ?? 0)]]
        }
        for row in TextTable.align(rows) { printLine(row) }
    }
}
