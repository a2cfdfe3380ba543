import TihuaCompute
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

    /// The L2-normalised embeddings of texts and images, in one forward
    /// pass per tower: one result per query, in order. A query that cannot
    /// be embedded (a broken JPEG, a vector) fails alone. A row does not
    /// depend on what else is in the batch, within float rounding (exactly
    /// so for a batch of one).
    func embed(_ queries: [Query]) -> [Result<[Float], PoetryError>] {
        var results = [Result<[Float], PoetryError>](repeating: .failure(PoetryError(.badInput, "not embedded")),
                                                     count: queries.count)
        var texts: [(Int, String)] = []
        var images: [(Int, Query)] = []
        for (i, query) in queries.enumerated() {
            switch query {
            case .text(let text): texts.append((i, text))
            case .jpeg, .imageFile: images.append((i, query))
            case .vector, .poem:
                results[i] = .failure(PoetryError(.badInput, "only a text or an image can be embedded, not \(query.label)"))
            }
        }
        if !texts.isEmpty {
            do {
                let embeddings = try model.encodeTexts(texts.map(\.1), normalize: false)
                for (row, (i, text)) in texts.enumerated() {
                    results[i] = normalized(embeddings.row(row)) { "text \"\(text.prefix(20))\"" }
                }
            } catch {
                for (i, _) in texts { results[i] = .failure(PoetryError(wrapping: error)) }
            }
        }
        if !images.isEmpty {
            do {
                embedImages(images, input: try input(), into: &results)
            } catch {
                for (i, _) in images { results[i] = .failure(error) }
            }
        }
        return results
    }

    /// Decodes and preprocesses the images on the cores, then runs the ones
    /// that decoded through the vision tower together.
    private func embedImages(_ images: [(Int, Query)], input: CLIPImageInput,
                             into results: inout [Result<[Float], PoetryError>]) {
        let perImage = input.preprocessor.count
        var pixels = [Float](repeating: 0, count: images.count * perImage)
        var decoded = [PoetryError?](repeating: nil, count: images.count)
        pixels.withUnsafeMutableBufferPointer { out in
            decoded.withUnsafeMutableBufferPointer { failures in
                Parallel.forEachChunk(count: images.count) { _, range in
                    for j in range {
                        do {
                            let image: RGBImage
                            switch images[j].1 {
                            case .jpeg(let bytes): image = try JPEGDecoder.decode(bytes, source: "the image")
                            case .imageFile(let path): image = try JPEGDecoder.decode(file: path)
                            default: preconditionFailure("only images are decoded")
                            }
                            input.preprocessor.pixelValues(image, into: out.baseAddress! + j * perImage)
                        } catch {
                            failures[j] = PoetryError(wrapping: error)
                        }
                    }
                }
            }
        }
        let good = images.indices.filter { decoded[$0] == nil }
        for j in images.indices { if let failure = decoded[j] { results[images[j].0] = .failure(failure) } }
        guard !good.isEmpty else { return }
        var batch = [Float]()
        batch.reserveCapacity(good.count * perImage)
        for j in good { batch += pixels[(j * perImage)..<((j + 1) * perImage)] }
        do {
            let embeddings = try model.encodeImages(pixelValues: batch, count: good.count, normalize: false)
            for (row, j) in good.enumerated() {
                results[images[j].0] = normalized(embeddings.row(row)) { images[j].1.label }
            }
        } catch {
            for j in good { results[images[j].0] = .failure(PoetryError(wrapping: error)) }
        }
    }

    private func normalized(_ row: ArraySlice<Float>, _ describe: () -> String) -> Result<[Float], PoetryError> {
        do {
            let one = Embeddings(count: 1, dimension: row.count, values: Array(row))
            return .success(Array(try one.normalizedOrThrow { _ in describe() }.row(0)))
        } catch {
            return .failure(PoetryError(wrapping: error))
        }
    }
}
