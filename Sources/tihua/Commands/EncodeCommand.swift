import ArgumentParser
import Foundation
import TihuaPoetry

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Embed one text or one JPEG image with a Chinese-CLIP model.",
        discussion: """
            Prints the L2-normalised projected embedding. The model folder is a download of
            OFA-Sys/chinese-clip-vit-base-patch16 (config.json, model.safetensors, vocab.txt,
            preprocessor_config.json). With --index, the model defaults to the one the index
            records and a text is normalised as that index's queries are (OpenCC, the profile of
            its poems: 明月松間照 is embedded as 明月松间照), so that the vector searches the
            index as `poems --text` would; without it, the text is embedded as given.

            Example:
              tihua encode --model Models/chinese-clip-vit-base-patch16 --text "举头望明月" --json
            """)

    @OptionGroup var modelOption: ModelOption

    @Option(name: .long, help: "An index whose query normalisation (and recorded model) to use.")
    var index: String?

    @Option(name: .long, help: "A text to embed (truncated to 52 tokens).")
    var text: String?

    @Option(name: .long, help: ArgumentHelp("A JPEG image to embed.", valueName: "file.jpg"))
    var image: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        // No index to fall back on: the folder must be named.
        guard modelOption.model != nil || index != nil else {
            throw ValidationError("Missing expected argument '--model <dir>' (or an --index that records one)")
        }
        if (text == nil) == (image == nil) {
            throw ValidationError("Give exactly one of --text and --image.")
        }
    }

    func run() throws {
        let engine = try TihuaEngine(.init(index: index, access: .readOnly, model: modelOption.model))
        let result = try engine.encode(image.map(Query.imageFile) ?? .text(text ?? ""))
        if output.json {
            try printJSONLine(result)
        } else {
            let embedding = result.embedding
            let head = embedding.prefix(8).map { String(format: "%+.5f", $0) }.joined(separator: " ")
            printLine("model      \(result.model)")
            printLine("dimension  \(embedding.count)")
            printLine("embedding  \(head)\(embedding.count > 8 ? " …" : "")")
        }
    }
}
