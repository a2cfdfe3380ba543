import ArgumentParser
import TihuaPoetry

struct ImagesAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Decode and embed JPEG files (folders are searched recursively).",
        discussion: "An image's id is its absolute path. Files that cannot be read are reported and skipped.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOption: ModelOption
    @Argument(help: "JPEG files or folders.") var paths: [String]
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try indexOptions.engine(.create, model: modelOption.model)
        let bar = ProgressBar("embedding images", enabled: !output.json)
        let summary = try engine.addImages(paths: paths) { bar.update($0, of: $1) }
        bar.finish()
        for failure in summary.failures { printNote("skipped \(failure)") }
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("added \(summary.added) images (\(summary.duplicates) already there, \(summary.failed) unreadable)")
        }
    }
}
