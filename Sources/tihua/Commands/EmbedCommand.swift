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
        by default, and vectors or queries from another model are refused.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The Chinese-CLIP model folder (config.json, model.safetensors, vocab.txt, preprocessor_config.json); default: the one this index was embedded with.")
    var model: String?
    @Option(help: ArgumentHelp("Texts per committed batch.", visibility: .hidden)) var batch = 256
    @OptionGroup var output: OutputOptions

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let (clip, folder) = try ModelBinding.openModel(model, index: index)
        var job = EmbedJob(index: index, model: clip, modelFolder: folder)
        job.batchSize = max(1, batch)
        var bar: (name: String, bar: ProgressBar)?
        let summary = try job.run { name, done, total in
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
            printLine("embedded \(summary.keywords) keywords and \(summary.poems) poems with \(clip.identity)")
        }
    }
}
