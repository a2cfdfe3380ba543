import TihuaBench
import ArgumentParser
import Foundation
import TihuaPoetry
import TihuaSearch
import TihuaStore

struct BenchIVFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivf",
        abstract: "Measure IVF search at several nprobe, one query at a time and in batches.",
        discussion: """
            Searches the collection's IVF index with every query of --queries, one a call and \
            in calls of --batch, at each --nprobes value, in one process; the values take turns \
            in each repetition and medians are reported. --crossover also times one query with \
            the probed lists always and never shared between the cores. --recall-queries \
            reports the ids found for each of those queries at every nprobe (untimed). \
            Tools/bench/kernels_vs_faiss.py --ivf runs this beside FAISS. Use a release build.
            """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to search (it needs an IVF index).") var collection: String
    @Option(help: "A .npy file of query vectors, one a row (timed).") var queries: String
    @Option(help: "A .npy file of queries whose result ids are reported (untimed).") var recallQueries: String?
    @Option(help: "Comma-separated nprobe values.") var nprobes = "1,2,4,8,16,32,64,128,256"
    @Option(parsing: .unconditional, help: "Results per query.") var k = 10
    @Option(parsing: .unconditional, help: "Queries per batch call (0: no batches).") var batch = 1000
    @Option(parsing: .unconditional, help: "Repetitions (medians are reported).") var reps = 3
    @Flag(help: "Also time one query with the probes never and always split between the cores.") var crossover = false
    @OptionGroup var output: OutputOptions

    func parsedNProbes() throws -> [Int] {
        var values: [Int] = []
        for part in nprobes.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--nprobes must be comma-separated counts (got '\(part)')")
            }
            try checkFlag("--nprobes", value, 1...EngineLimits.maxLists)
            values.append(value)
        }
        return values
    }

    func validate() throws {
        try checkFlag("--k", k, kRange)
        try checkFlag("--batch", batch, 0...100_000)
        try checkFlag("--reps", reps, 1...1000)
        _ = try parsedNProbes()
    }

    func matrix(_ path: String) throws -> QueryMatrix {
        let batch = try VectorBatch(npyFile: path)
        do {
            return try QueryMatrix(batch.values, dimension: batch.dimension)
        } catch let error as SearchError {
            throw SearchError(error.kind, "\(path): \(error.message)")
        }
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        var options = IVFBenchmark.Options()
        options.nprobes = try parsedNProbes()
        options.k = k
        options.batch = batch
        options.repetitions = reps
        options.crossover = crossover
        let report = try IVFBenchmark.run(index: index, collection: collection, queries: try matrix(queries),
                                          recallQueries: try recallQueries.map(matrix), options: options) {
            printNote("… \($0)")
        }
        if output.json {
            try printJSONLine(report)
            return
        }
        func f(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "—" }
        printLine("\(report.collection): \(report.vectors) × \(report.dimension) \(report.dtype), \(report.lists) lists, "
                  + "\(report.queries) queries, k \(report.k), median of \(report.repetitions)")
        for p in report.points {
            var line = "nprobe \(p.nprobe) (\(Int(p.rowsPerQuery)) rows): one query \(f(p.medianOneQPS)) q/s"
            if crossover { line += " (unsplit \(f(p.medianUnsplitQPS)), split \(f(p.medianSplitQPS)))" }
            if batch > 0 { line += ", batch \(f(p.medianBatchQPS)) q/s" }
            printLine(line)
        }
    }
}
