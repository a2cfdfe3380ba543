import ArgumentParser
import Foundation
import TihuaModels

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Embed one text or one JPEG image with a Chinese-CLIP model.",
        discussion: """
            Prints the L2-normalised projected embedding. The model folder is a download of
            OFA-Sys/chinese-clip-vit-base-patch16 (config.json, model.safetensors, vocab.txt,
            preprocessor_config.json).

            Example:
              tihua encode --model Models/chinese-clip-vit-base-patch16 --text "举头望明月" --json
            """)

    @Option(name: .long, help: "The Chinese-CLIP model folder.")
    var model: String

    @Option(name: .long, help: "A text to embed (truncated to 52 tokens).")
    var text: String?

    @Option(name: .long, help: ArgumentHelp("A JPEG image to embed.", valueName: "file.jpg"))
    var image: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (text == nil) == (image == nil) {
            throw ValidationError("Give exactly one of --text and --image.")
        }
    }

    func run() throws {
        let clip = try CLIPModel(folder: model)
        let embedding: [Float]
        if let text {
            embedding = Array(try clip.encodeTexts([text]).row(0))
        } else if let image {
            embedding = try clip.encodeImage(file: image, input: try CLIPImageInput(modelFolder: model, model: clip))
        } else {
            preconditionFailure("validate() requires --text or --image")
        }
        if output.json {
            try printJSONLine(EncodeResult(dim: embedding.count, embedding: embedding))
        } else {
            let head = embedding.prefix(8).map { String(format: "%+.5f", $0) }.joined(separator: " ")
            printLine("model      \(clip.identity)")
            printLine("dimension  \(embedding.count)")
            printLine("embedding  \(head)\(embedding.count > 8 ? " …" : "")")
        }
    }
}

private struct EncodeResult: Encodable {
    let dim: Int
    let embedding: [Float]
}
