import ArgumentParser
import TihuaSearch
import TihuaStore

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
    @Option(help: "Results per query.") var k = 10
    @OptionGroup var methodOptions: SearchMethodOptions
    @OptionGroup var output: OutputOptions

    struct Line: Encodable {
        struct Hit: Encodable { let id: String; let score: Float }
        let query: Int
        let results: [Hit]
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let search = try VectorSearch(index: index, collection: collection)
        let queries = try readQueries(vectors)
        let results = try search.search(queries, k: k, method: methodOptions.method)
        if output.json {
            for (q, hits) in results.enumerated() {
                try printJSONLine(Line(query: q, results: hits.map { .init(id: $0.id, score: $0.score) }))
            }
            return
        }
        for (q, hits) in results.enumerated() {
            if q > 0 { printLine("") }
            printLine("query \(q)")
            let rows = [["rank", "score", "id"]] + hits.enumerated().map {
                ["\($0.offset + 1)", String(format: "%.4f", $0.element.score), $0.element.id]
            }
            for row in TextTable.align(rows) { printLine("  " + row) }
        }
    }
}
