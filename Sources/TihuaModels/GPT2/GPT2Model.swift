import Foundation

/// GPT-2 with a BERT vocabulary, laid out as `uer/gpt2-chinese-poem`
/// (Conv1D weights (in, out), LM head tied to `wte`, gelu_new), from a folder
/// holding `config.json`, `vocab.txt` and the weights (`model.safetensors`,
/// `pytorch_model.bin` or a sharded set).
public final class GPT2Model: @unchecked Sendable {  // immutable after init; `weights` points into `source`, read only
    public let config: GPT2Config
    public let tokenizer: BertTokenizer
    /// A fingerprint of config, vocabulary and every weight value (see `ModelIdentity`).
    public let identity: String
    let weights: GPT2Weights
    private let source: TensorSource   // keeps the weights' memory alive
    static let architecture = "gpt2"

    /// Opens a model folder. `identityCache` remembers identities between
    /// runs (nil: hash every weight on every open).
    public convenience init(folder: String, identityCache: ModelIdentityCache? = .standard) throws {
        let parts = try OpenedModelFolder<GPT2Config>(path: folder)
        try self.init(config: parts.config, binder: parts.makeBinder(), tokenizer: parts.tokenizer) { binder in
            parts.identity(architecture: Self.architecture, binder: binder, cache: identityCache)
        }
    }

    public convenience init(config: GPT2Config, weights: TensorSource, tokenizer: BertTokenizer, configName: String = "config.json",
                            identity: String = "gpt2-in-memory") throws {
        try self.init(config: config, binder: WeightBinder(source: weights, configName: configName), tokenizer: tokenizer) { _ in identity }
    }

    init(config: GPT2Config, binder: WeightBinder, tokenizer: BertTokenizer, identity: (WeightBinder) -> String) throws {
        guard tokenizer.vocabulary.count <= config.vocabSize else {
            throw ModelError(.shape, "vocab.txt has \(tokenizer.vocabulary.count) tokens but \(binder.configName) vocab_size is \(config.vocabSize)")
        }
        self.config = config
        self.tokenizer = tokenizer
        self.weights = try GPT2Weights(binder, config)
        self.source = binder.source
        self.identity = identity(binder)
    }

    /// A fresh KV cache and scratch space for one sequence.
    public func makeSession() -> GPT2Session { GPT2Session(model: self) }

    /// The prompt's ids: `[CLS]` and the tokens, no `[SEP]` (as the model was trained).
    public func promptIDs(_ text: String) -> [Int] {
        tokenizer.encode(text, maxLength: nil, addSeparator: false)
    }

    /// Continues `promptIDs`: the prompt in one pass, then one token at a time
    /// from the KV cache.
    /// With a `constraint`, every pick is restricted by it (see `TokenConstraint`).
    public func generate(promptIDs: [Int], options: GenerationOptions, constraint: (any TokenConstraint)? = nil) throws -> Generation {
        guard !promptIDs.isEmpty else { throw ModelError(.invalidInput, "generate: the prompt has no tokens") }
        let session = makeSession()
        var sequence = DecodingSequence(options: options, vocabularySize: config.vocabSize, constraint: constraint)
        try session.append(promptIDs)
        while !sequence.isFinished {
            let next = session.withLastLogits { sequence.step(logits: $0, length: session.length, positions: config.positions) }
            guard let next else { break }
            try session.append(token: next)
        }
        return sequence.generation(promptIDs: promptIDs)
    }

    public func generate(prompt: String, options: GenerationOptions) throws -> Generation {
        try generate(promptIDs: promptIDs(prompt), options: options)
    }
}
