import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry
import TihuaStore

struct KeywordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keywords",
        abstract: "The keywords closest to an image: the prefix for poem generation.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(help: "How many keywords.") var k = 8
    @Option(help: ArgumentHelp("Trade relevance for variety by maximal marginal relevance: λ in 0…1 (1 = plain top-k, the default).", valueName: "λ"))
    var diversity: Float?
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1") }
        if let d = diversity, !(0...1).contains(d) { throw ValidationError("--diversity must be between 0 and 1") }
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let (clip, folder) = try ModelBinding.openModel(modelOption.model, index: index)
        let keywords = try PoetryIndex(index: index).keywords(
            near: try query.embedding(clip, folder: folder), model: clip.identity, k: k, diversity: diversity)
        if output.json { return try printJSONLine(["keywords": keywords]) }
        for row in TextTable.align([["score", "keyword"]] + keywords.map { [String(format: "%.4f", $0.score), $0.keyword] }) {
            printLine(row)
        }
    }
}
