/// A model's config file, parsed from its bytes.
protocol ModelConfigFile {
    init(json bytes: [UInt8], file: String) throws
    /// The config's part of the model identity.
    var identityDescription: String { get }
}

extension CLIPConfig: ModelConfigFile {}
extension GPT2Config: ModelConfigFile {}

/// What a model folder holds, opened and parsed: config, vocabulary and
/// weights (mapped, not read).
struct OpenedModelFolder<Config: ModelConfigFile> {
    let folder: ModelFolder
    let configBytes: [UInt8]
    let config: Config
    let vocabularyBytes: [UInt8]
    let tokenizer: BertTokenizer
    let weights: TensorSource

    init(path: String) throws {
        folder = try ModelFolder(path: path)
        configBytes = try folder.readConfig()
        config = try Config(json: configBytes, file: folder.configPath)
        vocabularyBytes = try readWholeFile(folder.vocabularyPath)
        tokenizer = try BertTokenizer(vocabularyBytes: vocabularyBytes, source: folder.vocabularyPath)
        weights = try folder.openWeights().0
    }

    func makeBinder() -> WeightBinder { WeightBinder(source: weights, configName: folder.configPath) }

    /// The identity remembered for these files, or the hash of config,
    /// vocabulary and every tensor `binder` bound.
    func identity(architecture: String, binder: WeightBinder, cache: ModelIdentityCache?) -> String {
        ModelIdentity.resolve(architecture: architecture, config: configBytes, vocabulary: vocabularyBytes,
                              files: weights.backingFiles, cache: cache) {
            ModelIdentity.compute(prefix: architecture, configDescription: config.identityDescription,
                                  vocabulary: tokenizer.vocabulary.tokens, tensors: binder.bound)
        }
    }
}
