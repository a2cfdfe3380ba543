import TihuaStore
import TihuaSearch
import TihuaModels
import TihuaCompute
import TihuaPoetry
import Foundation

/// Measures GPT-2 generation at the size of `uer/gpt2-chinese-poem`
/// (12 layers, hidden 768, 12 heads, BERT vocabulary of 21,128, 1,024
/// positions) with seeded random weights in memory.
public enum GPT2Benchmark {
    public struct Report: Sendable, Codable, Equatable {
        public var layers: Int
        public var hiddenSize: Int
        public var promptTokens: Int
        /// Time of the prompt's single forward pass.
        public var promptMilliseconds: Double
        public var newTokens: Int
        /// New tokens per second, one at a time through the KV cache.
        public var tokensPerSecond: Double
        /// Wall time of what `generate --generator gpt2` did before batching:
        /// 16 sampled candidates of up to 48 tokens, one after another.
        public var sixteenCandidatesSeconds: Double
        /// New tokens of the 16 candidates (no stop token here: 16 × 48).
        public var candidateTokens: Int
        /// The same 16 candidates decoded together (what the generator does
        /// now): one prefill, then one pass per step over the batch.
        public var sixteenCandidatesBatchedSeconds: Double
        /// Candidates whose batched tokens equal the sequential ones (of 16).
        public var batchedCandidatesIdentical: Int
        /// 16 candidates of 64 new tokens in one batch, free (no stop, 64
        /// tokens each) against constrained to 7×8 poems (56 characters and
        /// 8 separators, the last the stop), best of `rounds` each,
        /// interleaved A/B: new tokens a second.
        public var freeBatchTokensPerSecond: Double
        public var constrainedBatchTokensPerSecond: Double
        /// The same for one sequence at a time (one candidate).
        public var freeSingleTokensPerSecond: Double
        public var constrainedSingleTokensPerSecond: Double
        /// Constrained candidates that are well-formed 7×8 poems (of 16).
        public var constrainedWellFormed: Int
    }

    public static var realSize: GPT2Config {
        GPT2Config(vocabSize: 21128, positions: 1024, hiddenSize: 768, layers: 12, heads: 12)
    }

    public static func run(config: GPT2Config = realSize, newTokens: Int = 64, seed: UInt64 = 1) throws -> Report {
        let model = try randomModel(config: config, seed: seed)
        let prompt = Array(model.promptIDs("关键词：明月 故乡 瀑布 [EOS]").prefix(config.positions / 2))

        _ = try model.generate(promptIDs: prompt, options: GenerationOptions(maxNewTokens: 2))  // warm-up
        let session = model.makeSession()
        var start = Date()
        try session.append(prompt)
        let promptSeconds = Date().timeIntervalSince(start)
        let n = min(newTokens, config.positions - prompt.count)
        start = Date()
        var token = prompt.last!
        for _ in 0..<n {
            token = session.withLastLogits { logits in logits.indices.max { logits[$0] < logits[$1] }! }
            try session.append(token: token)
        }
        let decodeSeconds = Date().timeIntervalSince(start)

        let options = (0..<16).map { candidate in
            GenerationOptions(strategy: .sample(temperature: 1, topK: 8, topP: 0.95, seed: UInt64(candidate)), maxNewTokens: 48)
        }
        start = Date()
        let sequential = try options.map { try model.generate(promptIDs: prompt, options: $0) }
        let candidatesSeconds = Date().timeIntervalSince(start)
        start = Date()
        let batched = try model.generate(promptIDs: prompt, optionsPerSequence: options)
        let batchedSeconds = Date().timeIntervalSince(start)

        let constraint = try constrainedComparison(model: model, prompt: prompt, rounds: 3)
        return Report(layers: config.layers, hiddenSize: config.hiddenSize, promptTokens: prompt.count,
                      promptMilliseconds: promptSeconds * 1e3, newTokens: n,
                      tokensPerSecond: Double(n) / decodeSeconds, sixteenCandidatesSeconds: candidatesSeconds,
                      candidateTokens: sequential.reduce(0) { $0 + $1.newIDs.count },
                      sixteenCandidatesBatchedSeconds: batchedSeconds,
                      batchedCandidatesIdentical: zip(sequential, batched).filter { $0 == $1 }.count,
                      freeBatchTokensPerSecond: constraint.freeBatch, constrainedBatchTokensPerSecond: constraint.constrainedBatch,
                      freeSingleTokensPerSecond: constraint.freeSingle, constrainedSingleTokensPerSecond: constraint.constrainedSingle,
                      constrainedWellFormed: constraint.wellFormed)
    }

    /// Free against constrained decoding, interleaved, best of `rounds`.
    static func constrainedComparison(model: GPT2Model, prompt: [Int], rounds: Int) throws
        -> (freeBatch: Double, constrainedBatch: Double, freeSingle: Double, constrainedSingle: Double, wellFormed: Int) {
        let vocabulary = PoemVocabulary(tokenizer: model.tokenizer, logits: model.config.vocabSize)
        let rules = PoemConstraint.Rules(form: PoemForm(lineLength: 7, lines: 8), layout: .keywords)
        let stop = model.tokenizer.sepID
        let options = (0..<16).map {
            GenerationOptions(strategy: .sample(temperature: 1, topK: 8, topP: 0.95, seed: UInt64($0)), maxNewTokens: 66, stopTokens: [stop])
        }
        let free = options.map { o -> GenerationOptions in var o = o; o.maxNewTokens = 64; o.stopTokens = []; return o }
        func timed(_ body: () throws -> Int) rethrows -> Double {
            let start = Date()
            let tokens = try body()
            return Double(tokens) / Date().timeIntervalSince(start)
        }
        var best = (0.0, 0.0, 0.0, 0.0)
        var wellFormed = 0
        for _ in 0..<rounds {
            best.0 = max(best.0, try timed {
                try model.generate(promptIDs: prompt, optionsPerSequence: free).reduce(0) { $0 + $1.newIDs.count }
            })
            best.1 = max(best.1, try timed {
                let constraints: [(any TokenConstraint)?] = options.map { _ in PoemConstraint(vocabulary: vocabulary, rules: rules) }
                let out = try model.generate(promptIDs: prompt, optionsPerSequence: options, constraints: constraints)
                wellFormed = out.filter { g in
                    let ids = g.newIDs
                    return ids.count == 63 && g.stopReason == .stopToken(stop)
                        && ids.enumerated().allSatisfy { i, id in (i % 8 == 7) == (id == vocabulary.bar) }
                }.count
                return out.reduce(0) { $0 + $1.newIDs.count + 1 }   // + the stop, which also took a step
            })
            best.2 = max(best.2, try timed { try model.generate(promptIDs: prompt, options: free[0]).newIDs.count })
            best.3 = max(best.3, try timed {
                try model.generate(promptIDs: prompt, options: options[0],
                                   constraint: PoemConstraint(vocabulary: vocabulary, rules: rules)).newIDs.count + 1
            })
        }
        return (best.0, best.1, best.2, best.3, wellFormed)
    }

    /// A GPT-2 of `config`'s size with seeded uniform random weights in memory.
    static func randomModel(config: GPT2Config, seed: UInt64) throws -> GPT2Model {
        let weights = InMemoryTensors(name: "random GPT-2 weights (seed \(seed))")
        let C = config.hiddenSize, I = config.innerSize
        var specs: [(String, [Int], Float, Float)] = [
            ("wte.weight", [config.vocabSize, C], 0, 0.035), ("wpe.weight", [config.positions, C], 0, 0.035),
            ("ln_f.weight", [C], 1, 0.05), ("ln_f.bias", [C], 0, 0.01),
        ]
        for l in 0..<config.layers {
            let p = "h.\(l)."
            specs += [
                (p + "ln_1.weight", [C], 1, 0.05), (p + "ln_1.bias", [C], 0, 0.01),
                (p + "attn.c_attn.weight", [C, 3 * C], 0, 0.035), (p + "attn.c_attn.bias", [3 * C], 0, 0.01),
                (p + "attn.c_proj.weight", [C, C], 0, 0.035), (p + "attn.c_proj.bias", [C], 0, 0.01),
                (p + "ln_2.weight", [C], 1, 0.05), (p + "ln_2.bias", [C], 0, 0.01),
                (p + "mlp.c_fc.weight", [C, I], 0, 0.035), (p + "mlp.c_fc.bias", [I], 0, 0.01),
                (p + "mlp.c_proj.weight", [I, C], 0, 0.035), (p + "mlp.c_proj.bias", [C], 0, 0.01),
            ]
        }
        for (i, (name, shape, center, halfWidth)) in specs.enumerated() {
            var random = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
            weights.add(name, shape: shape) {
                RandomCLIPWeights.fillUniform($0, center: center, halfWidth: halfWidth, random: &random)
            }
        }
        // The BERT layout's tokens (random CJK characters) plus the poem layouts' separators.
        var tokens = RandomCLIPWeights.vocabulary(size: config.vocabSize)
        for (i, t) in ["|", "，", "。", "[EOS]", "："].enumerated() where 105 + i < tokens.count { tokens[105 + i] = t }
        let tokenizer = try BertTokenizer(vocabulary: BertVocabulary(tokens: tokens))
        return try GPT2Model(config: config, weights: weights, tokenizer: tokenizer)
    }
}
