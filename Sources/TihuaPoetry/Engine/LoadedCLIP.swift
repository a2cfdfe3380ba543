import TihuaModels

/// A Chinese-CLIP model opened once with its folder's preprocessor config:
/// what the façade embeds queries, texts and images with.
final class LoadedCLIP: Sendable {
    let model: CLIPModel
    /// The folder as given (recorded in the index, absolute, when embedding).
    let folder: String
    /// The image preprocessing, or why the folder cannot take images (a
    /// folder without preprocessor_config.json still embeds texts).
    private let imageInput: Result<CLIPImageInput, PoetryError>

    init(folder: String) throws(PoetryError) {
        self.folder = folder
        model = try wrappingErrors { try CLIPModel(folder: folder) }
        let model = self.model
        imageInput = Result { () throws(PoetryError) in
            try wrappingErrors { try CLIPImageInput(modelFolder: folder, model: model) }
        }
    }

    var identity: String { model.identity }

    func input() throws(PoetryError) -> CLIPImageInput { try imageInput.get() }

    /// The L2-normalised embedding of a text or an image query.
    func embed(_ query: Query) throws(PoetryError) -> [Float] {
        switch query {
        case .text(let text):
            return try wrappingErrors { Array(try model.encodeTexts([text]).row(0)) }
        case .imageFile(let path):
            let input = try input()
            return try wrappingErrors { try model.encodeImage(file: path, input: input) }
        case .jpeg(let bytes):
            let input = try input()
            return try wrappingErrors {
                let image = try JPEGDecoder.decode(bytes, source: "the image")
                return Array(try model.encodeImages(pixelValues: input.preprocessor.pixelValues(image), count: 1).row(0))
            }
        case .vector, .poem:
            throw PoetryError(.badInput, "only a text or an image can be embedded, not \(query.label)")
        }
    }
}
