import ArgumentParser
import TihuaPoetry
import TihuaStore

struct ImagesForPoemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "The images closest to a poem (by the poem's stored embedding).")

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The poem's id (e.g. ccpc_test_v1.0:1).") var poem: String
    @Option(help: "How many images.") var k = 10
    @OptionGroup var method: SearchMethodOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { if k < 1 { throw ValidationError("--k must be at least 1") } }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let hits = try PoetryIndex(index: index).images(forPoem: poem, k: k, method: method.method)
        if output.json { return try printJSONLine(["results": hits]) }
        for row in TextTable.align([["score", "image"]] + hits.map { [String(format: "%.4f", $0.score), $0.id] }) {
            printLine(row)
        }
    }
}
