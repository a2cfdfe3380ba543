import Foundation

/// A Chinese-CLIP model folder (`config.json`, `vocab.txt`,
/// `preprocessor_config.json` and the weights as `model.safetensors`,
/// `pytorch_model.bin` or a sharded set, as downloaded from
/// `OFA-Sys/chinese-clip-vit-*`) opened for embedding texts and images into
/// one space.
///
/// Opening maps the weights without copying them and validates the header
/// (or pickle) and every tensor's shape against the config. The identity
/// hashes every weight the first time a version of the files is seen and is
/// then read from the identity cache.
public final class CLIPModel: Sendable {
    public let config: CLIPConfig
    public let tokenizer: BertTokenizer
    public let text: CLIPTextTower
    public let vision: CLIPVisionTower
    /// A fingerprint of config, vocabulary and every weight value (see `ModelIdentity`).
    public let identity: String
    /// Texts per forward pass by default (grouped by length to limit padding).
    public static let defaultTextBatchSize = 32
    /// Images per forward pass by default.
    public static let defaultImageBatchSize = 8
    /// The identity's prefix.
    static let architecture = "chinese-clip"

    /// Dimension of the embeddings (`projection_dim`).
    public var dimension: Int { config.projectionDim }

    /// Opens a model folder. `identityCache` remembers identities between
    /// runs (nil: hash every weight on every open).
    public convenience init(folder: String, identityCache: ModelIdentityCache? = .standard) throws {
        let parts = try OpenedModelFolder<CLIPConfig>(path: folder)
        try self.init(config: parts.config, binder: parts.makeBinder(), tokenizer: parts.tokenizer) { binder in
            parts.identity(architecture: Self.architecture, binder: binder, cache: identityCache)
        }
    }

    /// Builds the towers over any weight source (the benchmark's random
    /// weights in memory), checking every tensor the config implies.
    public convenience init(config: CLIPConfig, weights: TensorSource, tokenizer: BertTokenizer, identity: String,
                            configName: String = "config.json") throws {
        try self.init(config: config, binder: WeightBinder(source: weights, configName: configName), tokenizer: tokenizer) { _ in identity }
    }

    init(config: CLIPConfig, binder: WeightBinder, tokenizer: BertTokenizer, identity: (WeightBinder) -> String) throws {
        guard tokenizer.vocabulary.count <= config.text.vocabSize else {
            throw ModelError(.shape, "vocab.txt has \(tokenizer.vocabulary.count) tokens but \(binder.configName) text_config.vocab_size is \(config.text.vocabSize)")
        }
        try Self.checkLayout(binder.source)
        let text = try CLIPTextTower(config: config.text, projectionDim: config.projectionDim, binder: binder)
        let vision = try CLIPVisionTower(config: config.vision, projectionDim: config.projectionDim, binder: binder)
        self.config = config
        self.tokenizer = tokenizer
        self.text = text
        self.vision = vision
        self.identity = identity(binder)
    }

    /// Refuses weight layouts other than transformers' ChineseCLIPModel with
    /// a message that says what is supported: the original Chinese-CLIP
    /// release (`module.visual.*`, `module.bert.*`), and its ResNet-50 model.
    static func checkLayout(_ weights: TensorSource) throws {
        let names = weights.tensorNames
        guard !names.contains("text_model.embeddings.word_embeddings.weight") else { return }
        let supported = "supported: the Hugging Face ChineseCLIPModel releases OFA-Sys/chinese-clip-vit-base-patch16, -large-patch14, -large-patch14-336px and -huge-patch14 (config.json, preprocessor_config.json, vocab.txt, pytorch_model.bin or model.safetensors)"
        let stripped = names.map { $0.hasPrefix("module.") ? String($0.dropFirst(7)) : $0 }
        if stripped.contains(where: { $0.hasPrefix("visual.layer1.") || $0.hasPrefix("visual.attnpool.") }) {
            throw ModelError(.unsupported, "\(weights.sourceName): a ResNet-50 vision tower (the original Chinese-CLIP RN50 release) is not supported; \(supported)")
        }
        if stripped.contains(where: { $0.hasPrefix("visual.") || $0.hasPrefix("bert.") }) {
            throw ModelError(.unsupported, "\(weights.sourceName): the original Chinese-CLIP checkpoint layout (module.visual.*, module.bert.*, as in clip_cn_vit-b-16.pt) is not supported; \(supported)")
        }
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
        return normalize ? try result.normalizedOrThrow { "text \($0) (\"\(texts[$0].prefix(20))\")" } : result
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
        return normalize ? try result.normalizedOrThrow { "image \($0)" } : result
    }

    public func encodeImages(pixelValues: [Float], count: Int, normalize: Bool = true,
                             batchSize: Int = defaultImageBatchSize) throws -> Embeddings {
        try pixelValues.withUnsafeBufferPointer {
            try encodeImages(pixelValues: $0, count: count, normalize: normalize, batchSize: batchSize)
        }
    }
}
