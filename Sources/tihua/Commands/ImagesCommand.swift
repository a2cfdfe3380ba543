import ArgumentParser
import TihuaPoetry
import TihuaStore

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Find images for a poem, or add images to the index.",
        subcommands: [ImagesForPoemCommand.self, ImagesAddCommand.self],
        defaultSubcommand: ImagesForPoemCommand.self)
}

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

struct ImagesAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Decode and embed JPEG files (folders are searched recursively).",
        discussion: "An image's id is its absolute path. Files that cannot be read are reported and skipped.")

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The Chinese-CLIP model folder (default: the one recorded by tihua embed).") var model: String?
    @Argument(help: "JPEG files or folders.") var paths: [String]
    @OptionGroup var output: OutputOptions

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index, create: true)
        let (clip, folder) = try ModelBinding.openModel(model, index: index)
        let bar = ProgressBar("embedding images", enabled: !output.json)
        let summary = try ImageLibrary(index: index, model: clip, modelFolder: folder)
            .add(paths) { bar.update($0, of: $1) }
        bar.finish()
        for failure in summary.failures { printNote("skipped \(failure)") }
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("added \(summary.added) images (\(summary.duplicates) already there, \(summary.failed) unreadable)")
        }
    }
}
