import Foundation

/// A Hugging Face model folder: `config.json`, `vocab.txt`, optionally
/// `preprocessor_config.json`, and the weights in whichever form the folder
/// holds them. This is the one entry point that opens a model's weights:
/// `model.safetensors` is preferred, then a sharded safetensors set, then
/// `pytorch_model.bin` (zip or legacy), then a sharded torch set.
public struct ModelFolder: Sendable {
    public let path: String
    /// The chosen weights: one file, or the index of a sharded set.
    public let weightsPath: String
    /// Whether `weightsPath` is a sharded index.
    public let isSharded: Bool

    public var configPath: String { path + "/config.json" }
    public var vocabularyPath: String { path + "/vocab.txt" }
    public var preprocessorPath: String { path + "/preprocessor_config.json" }

    /// Weight files by preference.
    public static let weightFileNames = ["model.safetensors", "model.safetensors.index.json",
                                         "pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// Finds the folder's weights; reads nothing yet.
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw code == ENOENT ? ModelError(.notFound, "\(path): no such model folder")
                                 : fileError(path, code, "open")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ModelError(.invalidInput, "\(path): not a folder (a model is a folder holding config.json, vocab.txt and the weights)")
        }
        self.path = path
        guard let found = Self.weightFileNames.first(where: { Self.exists(path + "/" + $0) }) else {
            throw ModelError(.notFound, "\(path): no weights: expected model.safetensors, pytorch_model.bin, or a sharded set (model.safetensors.index.json, pytorch_model.bin.index.json)\(Self.hint(path))")
        }
        weightsPath = path + "/" + found
        isSharded = found.hasSuffix(".index.json")
    }

    /// Opens the weights (headers, pickle and shapes are read and checked; tensor data is mapped, not read).
    public func openWeights() throws -> (source: TensorSource, format: WeightFormat) {
        if isSharded {
            let sharded = try ShardedCheckpoint(index: weightsPath)
            let safetensors = sharded.shardFormats.allSatisfy { $0 == .safetensors }
            return (sharded, safetensors ? .shardedSafetensors : .shardedTorch)
        }
        return try WeightFormat.open(file: weightsPath)
    }

    /// Reads `config.json` (a missing one is named as such).
    public func readConfig() throws -> [UInt8] {
        guard Self.exists(configPath) else {
            throw ModelError(.notFound, "\(configPath): no such file (a model folder needs config.json)\(Self.hint(path))")
        }
        return try readWholeFile(configPath)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// What the folder holds instead, when it is not a Hugging Face release.
    static func hint(_ folder: String) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let original = names.first(where: { $0.hasPrefix("clip_cn_") && $0.hasSuffix(".pt") }) {
            return "; \(original) is the original Chinese-CLIP release (module.visual.*, module.bert.*), which is not supported: use the Hugging Face folder (config.json, preprocessor_config.json, vocab.txt and pytorch_model.bin or model.safetensors)"
        }
        if names.contains("tf_model.h5") || names.contains("flax_model.msgpack") {
            return "; the TensorFlow and Flax weights (tf_model.h5, flax_model.msgpack) are not read: download pytorch_model.bin"
        }
        return ""
    }
}

