import ArgumentParser
import TihuaPoetry
import TihuaStore

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed every keyword and poem that has no embedding yet.",
        discussion: """
        Texts are encoded in batches by the Chinese-CLIP text tower; each batch is committed on \
        its own, so an interrupted run continues where it stopped when started again. The \
        model's identity and folder are recorded in the index: later queries use that folder \
        by default, and vectors or queries from another model are refused. --dtype chooses how \
        collections without vectors yet store them (float32, float16 or int8; int8 ranges are \
        trained on the first batch).
        """)

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Texts per committed batch.", visibility: .hidden))
    var batch = 256
    @Option(help: "How keywords and poems without vectors yet are stored: float32, float16 or int8.")
    var dtype: VectorDType?
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--batch", batch, 1...EngineLimits.maxEmbedBatch) }

    func run() throws {
        let engine = try indexOptions.engine(.readWrite, model: modelOption.model)
        var bar: (name: String, bar: ProgressBar)?
        let summary = try engine.embed(batchSize: batch, dtype: dtype) { name, done, total in
            if bar?.name != name {
                bar?.bar.finish()
                bar = (name, ProgressBar("embedding \(name)", enabled: !output.json))
            }
            bar?.bar.update(done, of: total)
        }
        bar?.bar.finish()
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("embedded \(summary.keywords) keywords and \(summary.poems) poems with \(summary.model)")
        }
    }
}
