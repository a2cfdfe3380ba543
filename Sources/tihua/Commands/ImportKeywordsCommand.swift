import ArgumentParser
import TihuaPoetry
import TihuaStore

struct ImportKeywordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keywords",
        abstract: "Import a keyword vocabulary: one keyword a line, blank lines ignored, repeats counted and dropped.")

    @OptionGroup var indexOptions: IndexOptions
    @Argument(help: "The keyword file.") var file: String
    @OptionGroup var output: OutputOptions

    struct Summary: Encodable { let imported: Int; let duplicates: Int }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index, create: true)
        let summary = try KeywordImport(path: file).run(into: index)
        if output.json {
            try printJSONLine(Summary(imported: summary.imported, duplicates: summary.duplicates))
        } else {
            printLine("imported \(summary.imported) keywords (\(summary.duplicates) duplicates)")
        }
    }
}
