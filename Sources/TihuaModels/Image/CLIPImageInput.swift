import Foundation
import TihuaCompute

/// JPEG files → the pixel values a CLIP model takes, with the model
/// folder's `preprocessor_config.json`.
public struct CLIPImageInput: Sendable {
    public let preprocessor: ImagePreprocessor

    /// Reads `preprocessor_config.json` of `folder` and checks that it
    /// produces the image size the model's vision tower expects.
    public init(modelFolder folder: String, model: CLIPModel) throws {
        let path = folder + "/preprocessor_config.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError(.io, "\(path): no such file (the model folder needs preprocessor_config.json for images)")
        }
        preprocessor = try ImagePreprocessor(configFile: path)
        let size = model.config.vision.imageSize
        guard preprocessor.width == size, preprocessor.height == size else {
            throw ModelError(.shape, "\(path): resizes to \(preprocessor.width)×\(preprocessor.height) but the vision tower takes \(size)×\(size)")
        }
    }

    /// Decodes and preprocesses files on all cores: one result per file, in
    /// order, so that one unreadable file does not stop the others.
    public func pixelValues(files: [String]) -> [Result<[Float], ModelError>] {
        var results = [Result<[Float], ModelError>](repeating: .success([]), count: files.count)
        results.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(count: files.count) { _, range in
                for i in range {
                    do {
                        out[i] = .success(preprocessor.pixelValues(try JPEGDecoder.decode(file: files[i])))
                    } catch let error as ModelError {
                        out[i] = .failure(error)
                    } catch {
                        out[i] = .failure(ModelError(.io, "\(files[i]): \(error)"))
                    }
                }
            }
        }
        return results
    }
}

extension CLIPModel {
    /// The L2-normalised embedding of one JPEG file.
    public func encodeImage(file: String, input: CLIPImageInput) throws -> [Float] {
        let pixels = try input.pixelValues(files: [file])[0].get()
        return Array(try encodeImages(pixelValues: pixels, count: 1, normalize: false).normalizedOrThrow { _ in file }.row(0))
    }
}
