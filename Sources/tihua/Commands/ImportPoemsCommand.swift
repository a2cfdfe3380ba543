import ArgumentParser
import TihuaPoetry

extension CorpusFormat: ExpressibleByArgument {}

struct ImportPoemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poems",
        abstract: "Import poem corpora (CCPC JSON lines or chinese-poetry JSON arrays).",
        discussion: """
        FILE may be a folder: its .json and .jsonl files are read, recursively. CCPC \
        records get the id FILESTEM:LINENO; chinese-poetry records keep their UUID. A \
        record that is not valid JSON or has no lines is invalid: without --skip-invalid \
        the first one aborts the import, naming its file and line or record, and the index \
        is left as it was. Poems whose id is already in the index are counted as duplicates \
        and not imported again.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Argument(help: "Corpus files or folders.") var files: [String]
    @Option(help: "auto, ccpc or chinese-poetry.") var format: CorpusFormat = .auto
    @Flag(help: "Skip invalid records (each is reported on stderr) instead of aborting.") var skipInvalid = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Poems per transaction.", visibility: .hidden)) var batch: Int = 25_000
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--batch", batch, 1...EngineLimits.maxPoemBatch) }

    func run() throws {
        let engine = try indexOptions.engine(.create)
        let bar = ProgressBar("importing poems", enabled: !output.json)
        let summary = try engine.importPoems(PoemImportRequest(paths: files, format: format, skipInvalid: skipInvalid,
                                                               batchSize: batch)) { bar.update($0, of: $1) }
        bar.finish()
        for file in summary.skippedFiles { printNote("skipped \(file)") }
        for record in summary.skippedRecords.prefix(20) { printNote("skipped \(record)") }
        if summary.skippedRecords.count > 20 { printNote("… and \(summary.skippedRecords.count - 20) more skipped") }
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("imported \(summary.imported) poems (\(summary.merged) merged into poems already there, \(summary.skipped) skipped, \(summary.duplicates) duplicates)")
        }
    }
}
