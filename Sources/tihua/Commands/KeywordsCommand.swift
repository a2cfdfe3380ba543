import ArgumentParser
import Foundation
import TihuaPoetry

struct KeywordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keywords",
        abstract: "The keywords closest to an image: the prefix for poem generation.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(parsing: .unconditional, help: "How many keywords.") var k = KeywordsRequest.defaultK
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Trade relevance for variety by maximal marginal relevance: λ in 0…1 (1 = plain top-k, the default).", valueName: "λ"))
    var diversity: Float?
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--k", k, kRange)
        try checkFlag("--diversity", diversity, 0...1)
    }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model)
        let result = try engine.keywords(KeywordsRequest(query: query.query, k: k, diversity: diversity))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        for row in TextTable.align([["score", "keyword"]] + result.keywords.map { [String(format: "%.4f", $0.score), $0.keyword] }) {
            printLine(row)
        }
    }
}
