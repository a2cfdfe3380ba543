import Foundation

/// GPT-2 with a BERT vocabulary, laid out as `uer/gpt2-chinese-poem`
/// (Conv1D weights (in, out), LM head tied to `wte`, gelu_new), from a folder
/// holding `config.json`, `model.safetensors` and `vocab.txt`.
public final class GPT2Model: @unchecked Sendable {
    public let config: GPT2Config
    public let tokenizer: BertTokenizer
    let weights: GPT2Weights
    private let source: TensorSource   // keeps the weights' memory alive

    public convenience init(folder: String) throws {
        let configPath = folder + "/config.json"
        let config = try GPT2Config(contentsOf: configPath)
        let tokenizer = try BertTokenizer(contentsOf: folder + "/vocab.txt")
        let weights = try SafeTensors(contentsOf: folder + "/model.safetensors")
        try self.init(config: config, weights: weights, tokenizer: tokenizer, configName: configPath)
    }

    public init(config: GPT2Config, weights: TensorSource, tokenizer: BertTokenizer, configName: String = "config.json") throws {
        guard tokenizer.vocabulary.count <= config.vocabSize else {
            throw ModelError(.shape, "vocab.txt has \(tokenizer.vocabulary.count) tokens but \(configName) vocab_size is \(config.vocabSize)")
        }
        self.config = config
        self.tokenizer = tokenizer
        self.weights = try GPT2Weights(WeightBinder(source: weights, configName: configName), config)
        self.source = weights
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
