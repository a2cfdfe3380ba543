import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry
import TihuaStore

struct PoemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poems",
        abstract: "The poems closest to an image or a text.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(help: "How many poems.") var k = 10
    @OptionGroup var method: SearchMethodOptions
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws { if k < 1 { throw ValidationError("--k must be at least 1") } }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let (clip, folder) = try ModelBinding.openModel(modelOption.model, index: index)
        let hits = try PoetryIndex(index: index).poems(
            near: try query.embedding(clip, folder: folder), model: clip.identity, k: k, method: method.method)
        if output.json { return try printJSONLine(["results": hits]) }
        for hit in hits {
            printLine(String(format: "%.4f  ", hit.score) + "\(hit.title ?? "无题") · \(hit.author ?? "佚名")"
                      + (hit.dynasty.map { " (\($0))" } ?? "") + "  [\(hit.id)]")
            printLine("        " + hit.lines.joined(separator: "，") + "。")
        }
    }
}
