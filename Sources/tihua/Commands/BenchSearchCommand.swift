import TihuaBench
import ArgumentParser
import TihuaPoetry
import TihuaSearch
import TihuaStore

struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Measure search throughput and latency on a file of queries.",
        discussion: """
        Runs every query once untimed (to warm the page cache and the process), then once \
        timed, in this process. --batch 1 (the default) sends one query per call, so p50/p99 \
        are per-query latencies; --batch B sends B queries per call and p50/p99 are per call. \
        Ids are resolved as `tihua search` does.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to search.") var collection: String
    @Option(help: "A .npy file of query vectors, one a row.") var queries: String
    @Option(parsing: .unconditional, help: "Results per query.") var k = 10
    @Option(parsing: .unconditional, help: "Queries per search call.") var batch = 1
    @OptionGroup var methodOptions: SearchMethodOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--batch", batch, 1...100_000)
        try checkFlag("--k", k, kRange)
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let search = try VectorSearch(index: index, collection: collection)
        let batchOfQueries = try VectorBatch(npyFile: queries)
        let matrix: QueryMatrix
        do {
            matrix = try QueryMatrix(batchOfQueries.values, dimension: batchOfQueries.dimension)
        } catch let error as SearchError {
            throw SearchError(error.kind, "\(queries): \(error.message)")
        }
        let result = try SearchBenchmark(search: search, k: k, method: methodOptions.method).run(matrix, batch: batch)
        if output.json {
            try printJSONLine(result)
            return
        }
        printLine(String(format: "%d queries, batch %d: %.1f queries/s, p50 %.3f ms, p99 %.3f ms",
                         result.queries, result.batch, result.qps, result.p50_ms, result.p99_ms))
    }
}
