import ArgumentParser
import Foundation
import TihuaPoetry

struct PoemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poems",
        abstract: "The poems closest to an image or a text.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(parsing: .unconditional, help: "How many poems.") var k = PoemsRequest.defaultK
    @OptionGroup var method: SearchMethodOptions
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--k", k, kRange) }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model)
        let result = try engine.poems(PoemsRequest(query: query.query, k: k, method: method.choice))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        for hit in result.results {
            printLine(String(format: "%.4f  ", hit.score) + "\(hit.title ?? "无题") · \(hit.author ?? "佚名")"
                      + (hit.dynasty.map { " (\($0))" } ?? "") + "  [\(hit.id)]")
            printLine("        " + hit.lines.joined(separator: "，") + "。")
        }
    }
}
