import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry
import TihuaStore

/// The query of `keywords`, `poems` and `generate`: an image or a text.
struct QueryInput: ParsableArguments {
    @Option(help: ArgumentHelp("A JPEG image to find poems for.", valueName: "file.jpg")) var image: String?
    @Option(help: "A text to find poems for.") var text: String?

    func validate() throws {
        if (image == nil) == (text == nil) { throw ValidationError("Give exactly one of --image and --text.") }
    }

    /// The query's L2-normalised embedding.
    func embedding(_ clip: CLIPModel, folder: String) throws -> [Float] {
        if let image { return try clip.encodeImage(file: image, input: try CLIPImageInput(modelFolder: folder, model: clip)) }
        return Array(try clip.encodeTexts([text!]).row(0))
    }
}
