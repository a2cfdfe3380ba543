/// What a model folder holds and whether it can be used: architecture and
/// sizes, weight format(s) and dtypes, tensor and parameter counts, the
/// tensors the model does not use, the identity, and every problem found
/// (not only the first). `tihua model inspect` prints it.
public struct ModelInspection: Sendable, Encodable {
    public struct File: Sendable, Equatable, Encodable {
        public let path: String
        public let bytes: Int
    }

    public let folder: String
    /// "chinese-clip" or "gpt2", when config.json says which.
    public private(set) var architecture: String?
    public private(set) var format: WeightFormat?
    public private(set) var files: [File] = []
    /// Stored dtypes, sorted ("F32", "I64", …).
    public private(set) var dtypes: [String] = []
    /// Tensors stored in the weight files.
    public private(set) var tensors = 0
    /// Values of the tensors the model uses (a tied tensor counted once).
    public private(set) var parameters = 0
    /// The sizes config.json gives, in a fixed order.
    public private(set) var sizes: [(key: String, value: Int)] = []
    /// Stored tensors the model does not use (buffers such as position_ids,
    /// causal masks, a tied lm_head.weight), sorted.
    public private(set) var unused: [String] = []
    /// The model identity, when the model is usable.
    public private(set) var identity: String?
    /// Everything that makes the folder unusable, one line each.
    public private(set) var problems: [String] = []

    public var isUsable: Bool { problems.isEmpty }

    /// Inspects `folder`. Every weight value is read (for the identity and
    /// for NaN/infinity), unless the identity is in `identityCache`.
    public init(folder: String, identityCache: ModelIdentityCache? = .standard) {
        self.folder = folder
        do {
            try inspect(identityCache: identityCache)
        } catch let error as ModelError {
            problems.append(error.message)
        } catch {
            problems.append("\(folder): \(error)")
        }
    }

    private mutating func inspect(identityCache: ModelIdentityCache?) throws {
        let model = try ModelFolder(path: folder)
        // The weights are described even when the config is broken.
        var opened: (source: TensorSource, format: WeightFormat)?
        do {
            opened = try model.openWeights()
        } catch let error as ModelError {
            problems.append(error.message)
        }
        if let (source, format) = opened {
            self.format = format
            tensors = source.tensorNames.count
            dtypes = Set(source.tensorNames.compactMap { source.describe($0)?.dtype.rawValue }).sorted()
            let paths = model.isSharded ? [model.weightsPath] + ((source as? ShardedCheckpoint)?.shards.map { model.path + "/" + $0 } ?? [])
                                        : [model.weightsPath]
            files = paths.map { File(path: $0, bytes: (try? MappedFile(path: $0).bytes.count) ?? 0) }
        }

        let configBytes = try model.readConfig()
        let type = (try? JSONParser.parse(configBytes, source: model.configPath))?.objectValue?["model_type"]?.stringValue
        var vocabularyBytes: [UInt8] = []
        var tokenizer: BertTokenizer?
        do {
            vocabularyBytes = try readWholeFile(model.vocabularyPath)
            tokenizer = try BertTokenizer(vocabularyBytes: vocabularyBytes, source: model.vocabularyPath)
        } catch let error as ModelError {
            problems.append(error.message)
        }

        let binder: WeightBinder?
        let prefix: String, description: String
        switch type {
        case "chinese_clip":
            architecture = CLIPModel.architecture
            let config = try CLIPConfig(json: configBytes, file: model.configPath)
            sizes = [("text_hidden_size", config.text.hiddenSize), ("text_layers", config.text.layers),
                     ("text_heads", config.text.heads), ("text_intermediate_size", config.text.intermediateSize),
                     ("vocab_size", config.text.vocabSize), ("max_positions", config.text.maxPositions),
                     ("vision_hidden_size", config.vision.hiddenSize), ("vision_layers", config.vision.layers),
                     ("vision_heads", config.vision.heads), ("vision_intermediate_size", config.vision.intermediateSize),
                     ("image_size", config.vision.imageSize), ("patch_size", config.vision.patchSize),
                     ("projection_dim", config.projectionDim)]
            if let tokenizer, tokenizer.vocabulary.count > config.text.vocabSize {
                problems.append("\(model.vocabularyPath): \(tokenizer.vocabulary.count) tokens but text_config.vocab_size is \(config.text.vocabSize)")
            }
            prefix = CLIPModel.architecture
            description = config.identityDescription
            if let source = opened?.source {
                let b = WeightBinder(source: source, configName: model.configPath, collecting: true)
                do {
                    try CLIPModel.checkLayout(source)
                    _ = try CLIPTextWeights(b, config.text, projectionDim: config.projectionDim)
                    _ = try CLIPVisionWeights(b, config.vision, projectionDim: config.projectionDim)
                } catch let error as ModelError {
                    problems.append(error.message)
                }
                binder = b
            } else {
                binder = nil
            }
        case "gpt2":
            architecture = GPT2Model.architecture
            let config = try GPT2Config(json: configBytes, file: model.configPath)
            sizes = [("vocab_size", config.vocabSize), ("n_positions", config.positions), ("n_embd", config.hiddenSize),
                     ("n_layer", config.layers), ("n_head", config.heads), ("n_inner", config.innerSize)]
            if let tokenizer, tokenizer.vocabulary.count > config.vocabSize {
                problems.append("\(model.vocabularyPath): \(tokenizer.vocabulary.count) tokens but vocab_size is \(config.vocabSize)")
            }
            prefix = GPT2Model.architecture
            description = config.identityDescription
            if let source = opened?.source {
                let b = WeightBinder(source: source, configName: model.configPath, collecting: true)
                _ = try GPT2Weights(b, config)
                binder = b
            } else {
                binder = nil
            }
        default:
            throw ModelError(.unsupported, "\(model.configPath): model_type \(type.map { "'\($0)'" } ?? "missing"); supported: 'chinese_clip' (Chinese-CLIP) and 'gpt2'")
        }
        guard let binder, let source = opened?.source else { return }
        problems += binder.problems.map(\.message)
        let used = Set(binder.bound.map(\.name))
        unused = source.tensorNames.filter { !used.contains($0) }
        parameters = binder.bound.reduce(0) { $0 + $1.values.count }
        guard problems.isEmpty, let tokenizer else { return }
        for t in binder.bound {
            let bad = t.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 { problems.append("\(source.sourceName): tensor '\(t.name)' has \(bad) NaN or infinite values") }
        }
        guard problems.isEmpty else { return }
        identity = ModelIdentity.resolve(architecture: prefix, config: configBytes, vocabulary: vocabularyBytes,
                                         files: source.backingFiles, cache: identityCache) {
            ModelIdentity.compute(prefix: prefix, configDescription: description, vocabulary: tokenizer.vocabulary.tokens,
                                  tensors: binder.bound)
        }
    }
}

extension ModelInspection {
    private enum Keys: String, CodingKey {
        case folder, architecture, format, files, dtypes, tensors, parameters, sizes, unused, identity, problems, usable
    }

    /// {"folder", "architecture", "format", "files": [{"path", "bytes"}], "dtypes",
    /// "tensors", "parameters", "sizes": {…}, "unused", "identity", "problems", "usable"};
    /// absent values are null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(folder, forKey: .folder)
        try c.encode(architecture, forKey: .architecture)
        try c.encode(format?.rawValue, forKey: .format)
        try c.encode(files, forKey: .files)
        try c.encode(dtypes, forKey: .dtypes)
        try c.encode(tensors, forKey: .tensors)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(Dictionary(uniqueKeysWithValues: sizes.map { ($0.key, $0.value) }), forKey: .sizes)
        try c.encode(unused, forKey: .unused)
        try c.encode(identity, forKey: .identity)
        try c.encode(problems, forKey: .problems)
        try c.encode(isUsable, forKey: .usable)
    }
}
