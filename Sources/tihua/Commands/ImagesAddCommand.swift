import ArgumentParser
import TihuaPoetry
import TihuaStore

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
