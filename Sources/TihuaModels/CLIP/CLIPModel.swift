import Foundation

/// A Chinese-CLIP model folder (`config.json`, `model.safetensors`,
/// `vocab.txt`, as downloaded from `OFA-Sys/chinese-clip-vit-base-patch16`)
/// opened for embedding texts and images into one space.
///
/// Opening maps the weights without reading them and validates the header
/// and every tensor's shape against the config.
public final class CLIPModel: @unchecked Sendable {
    public let config: CLIPConfig
    public let tokenizer: BertTokenizer
    public let text: CLIPTextTower
    public let vision: CLIPVisionTower
    /// A fingerprint of config, vocabulary and weights (see `ModelIdentity`).
    public let identity: String
    /// Texts per forward pass by default (grouped by length to limit padding).
    public static let defaultTextBatchSize = 32
    /// Images per forward pass by default.
    public static let defaultImageBatchSize = 8

    /// Dimension of the embeddings (`projection_dim`).
    public var dimension: Int { config.projectionDim }

    /// Opens a model folder.
    public convenience init(folder: String) throws {
        let configPath = folder + "/config.json", weightsPath = folder + "/model.safetensors", vocabPath = folder + "/vocab.txt"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError(.io, "\(folder): not a model folder (expected config.json, model.safetensors, vocab.txt)")
        }
        let configBytes = try readWholeFile(configPath)
        let config = try CLIPConfig(json: configBytes, file: configPath)
        let vocabBytes = try readWholeFile(vocabPath)
        let tokenizer = try BertTokenizer(contentsOf: vocabPath)
        let weights = try SafeTensors(contentsOf: weightsPath)
        let identity = ModelIdentity.compute(prefix: "chinese-clip", config: configBytes, vocabulary: vocabBytes, weights: weights)
        try self.init(config: config, weights: weights, tokenizer: tokenizer, identity: identity, configName: configPath)
    }

    /// Builds the towers over any weight source (the benchmark's random
    /// weights in memory), checking every tensor the config implies.
    public init(config: CLIPConfig, weights: TensorSource, tokenizer: BertTokenizer, identity: String,
                configName: String = "config.json") throws {
        guard tokenizer.vocabulary.count <= config.text.vocabSize else {
            throw ModelError(.shape, "vocab.txt has \(tokenizer.vocabulary.count) tokens but \(configName) text_config.vocab_size is \(config.text.vocabSize)")
        }
        let binder = WeightBinder(source: weights, configName: configName)
        self.config = config
        self.tokenizer = tokenizer
        self.identity = identity
        self.text = try CLIPTextTower(config: config.text, projectionDim: config.projectionDim, binder: binder)
        self.vision = try CLIPVisionTower(config: config.vision, projectionDim: config.projectionDim, binder: binder)
    }

    /// Token ids of a text as the text tower takes them: `[CLS] … [SEP]`,
    /// at most 52 tokens (and never more than the tower's positions).
    public func tokenize(_ text: String) -> [Int] {
        tokenizer.encode(text, maxLength: min(BertTokenizer.clipMaxLength, config.text.maxPositions))
    }

    /// Embeds texts: [count, dimension], L2-normalised unless `normalize` is
    /// false. Texts run `batchSize` at a time; the result does not depend on it.
    public func encodeTexts(_ texts: [String], normalize: Bool = true, batchSize: Int = defaultTextBatchSize) throws -> Embeddings {
        let ids = texts.map(tokenize)
        let P = dimension
        var values = [Float](repeating: 0, count: texts.count * P)
        // Similar lengths share a batch so that little is padded; results go
        // back to their original rows.
        let order = ids.indices.sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
        let batchSize = max(1, batchSize)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[start..<min(order.count, start + batchSize)])
            let output = try text.forward(tokenIDs: members.map { ids[$0] })
            for (j, row) in members.enumerated() {
                values.replaceSubrange((row * P)..<((row + 1) * P), with: output.projected[(j * P)..<((j + 1) * P)])
            }
        }
        let result = Embeddings(count: texts.count, dimension: P, values: values)
        return normalize ? result.normalized() : result
    }

    /// Embeds images given as pixel values [count, 3, S, S] (CHW, preprocessed):
    /// [count, dimension], L2-normalised unless `normalize` is false. Images
    /// run `batchSize` at a time; the result does not depend on it.
    public func encodeImages(pixelValues: UnsafeBufferPointer<Float>, count: Int, normalize: Bool = true,
                             batchSize: Int = defaultImageBatchSize) throws -> Embeddings {
        let perImage = config.vision.pixelsPerImage, P = dimension
        guard count >= 0, pixelValues.count == count * perImage else {
            throw ModelError(.invalidInput, "encodeImages: \(pixelValues.count) pixel values for \(count) images, expected \(count) × 3 × \(config.vision.imageSize) × \(config.vision.imageSize) = \(count * perImage)")
        }
        var values: [Float] = []
        values.reserveCapacity(count * P)
        let batchSize = max(1, batchSize)
        for start in stride(from: 0, to: count, by: batchSize) {
            let n = min(batchSize, count - start)
            let slice = UnsafeBufferPointer(rebasing: pixelValues[(start * perImage)..<((start + n) * perImage)])
            let output = try vision.forward(pixels: slice, count: n)
            values += output.projected
        }
        let result = Embeddings(count: count, dimension: P, values: values)
        return normalize ? result.normalized() : result
    }

    public func encodeImages(pixelValues: [Float], count: Int, normalize: Bool = true,
                             batchSize: Int = defaultImageBatchSize) throws -> Embeddings {
        try pixelValues.withUnsafeBufferPointer {
            try encodeImages(pixelValues: $0, count: count, normalize: normalize, batchSize: batchSize)
        }
    }
}
