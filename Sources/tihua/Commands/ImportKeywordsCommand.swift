import ArgumentParser

struct ImportKeywordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keywords",
        abstract: "Import a keyword vocabulary: one keyword a line, blank lines ignored, repeats counted and dropped.")

    @OptionGroup var indexOptions: IndexOptions
    @Argument(help: "The keyword file.") var file: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let summary = try indexOptions.engine(.create).importKeywords(file: file)
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("imported \(summary.imported) keywords (\(summary.duplicates) duplicates)")
        }
    }
}
