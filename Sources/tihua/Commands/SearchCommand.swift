import ArgumentParser
import TihuaPoetry
import TihuaSearch

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the vectors of a collection most similar (cosine) to each query vector.",
        discussion: """
        Queries are the rows of a .npy file (float32, float16 or float64) of the collection's \
        dimension; they are L2-normalised, so scores are cosine similarities. Results come best \
        first; equal scores are ordered by the lower row. Without --exact, a collection with an \
        IVF index (`tihua ivf build`) is searched through it, scanning --nprobe lists \
        (default \(SearchMethod.defaultNProbe)); more lists, better recall, slower search.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to search.") var collection: String
    @Option(help: "A .npy file of query vectors, one a row.") var vectors: String
    @Option(parsing: .unconditional, help: "Results per query (at most \(EngineLimits.maxK)).") var k = SearchRequest.defaultK
    @OptionGroup var methodOptions: SearchMethodOptions
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Score the n best candidates again against float32 (a float16/int8 collection needs --keep-float32 copies).",
        valueName: "n"))
    var rerank: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--k", k, kRange)
        try checkFlag("--rerank", rerank, 1...EngineLimits.maxK)
    }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly)
        let found = try engine.search(SearchRequest(collection: collection, vectors: try VectorBatch(npyFile: vectors), k: k,
                                                    method: methodOptions.choice, rerank: rerank))
        if output.json {
            for line in found.lines { try printJSONLine(line) }
            return
        }
        for line in found.lines {
            if line.query > 0 { printLine("") }
            printLine("query \(line.query)")
            let rows = [["rank", "score", "id"]] + line.results.enumerated().map {
                ["\($0.offset + 1)", String(format: "%.4f", $0.element.score), $0.element.id]
            }
            for row in TextTable.align(rows) { printLine("  " + row) }
        }
    }
}
