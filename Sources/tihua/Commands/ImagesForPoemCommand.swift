import ArgumentParser
import TihuaPoetry

struct ImagesForPoemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "The images closest to a poem (by the poem's stored embedding).")

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The poem's id (e.g. ccpc_test_v1.0:1).") var poem: String
    @Option(parsing: .unconditional, help: "How many images.") var k = ImagesRequest.defaultK
    @OptionGroup var method: SearchMethodOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--k", k, kRange) }

    func run() throws {
        let result = try indexOptions.engine(.readOnly).images(ImagesRequest(query: .poem(poem), k: k, method: method.choice))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        for row in TextTable.align([["score", "image"]] + result.results.map { [String(format: "%.4f", $0.score), $0.id] }) {
            printLine(row)
        }
    }
}
