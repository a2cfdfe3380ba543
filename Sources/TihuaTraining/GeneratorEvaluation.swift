import Foundation
import TihuaModels
import TihuaPoetry

/// `tihua generator eval`: a poem model's cross-entropy on held-out poems in
/// the training layout (with their keywords; chinese-poetry poems get
/// keywords found in the poem, as in training), and how often poems it
/// writes for held-out keyword sets contain one of the keywords.
public enum GeneratorEvaluation {
    public struct Sample: Codable, Sendable {
        public let keywords: [String]
        public let lines: [String]
    }

    public struct Report: Codable, Sendable {
        /// Held-out poems scored and the tokens counted (lines, separators, the stop).
        public var poems = 0
        public var tokens = 0
        /// Mean nats per token, and e to that.
        public var crossEntropy = Double.nan
        public var perplexity = Double.nan
        /// Poems generated (constrained, keywords prompt) and the share containing a keyword.
        public var generated = 0
        public var keywordUse = Double.nan
        /// The generator's keyword guidance (0: the model alone).
        public var keywordBias = Double.nan
        /// Share of generated poems that are well formed (by construction, 1).
        public var wellFormed = Double.nan
        public var samples: [Sample] = []
        /// Wall time of a generator made for the model (its vocabulary masks) writing 16 candidates
        /// for the first keyword set in one batch (best of 3).
        public var sixteenCandidatesSeconds = Double.nan

        enum CodingKeys: String, CodingKey {
            case poems, tokens, crossEntropy = "cross_entropy", perplexity, generated, keywordUse = "keyword_use"
            case keywordBias = "keyword_bias"
            case wellFormed = "well_formed", samples, sixteenCandidatesSeconds = "sixteen_candidates_seconds"
        }
    }

    public struct Options: Sendable {
        /// Score only the poems of the model's validation split (from its training.json).
        public var heldOutOnly = true
        /// Keyword sets to generate for (the first held-out poems with keywords).
        public var keywordSets = 200
        /// Poems per keyword set (seeds seed, seed+1, …).
        public var poemsPerSet = 4
        public var seed: UInt64 = 1
        /// The generator's keyword guidance (`GPT2PoemGenerator.keywordBias`).
        public var keywordBias = GPT2PoemGenerator.defaultKeywordBias
        /// Generated poems to return as samples (the first candidate of the first sets).
        public var samples = 10
        public init() {}
    }

    public static func run(modelFolder: String, corpora: [String], options: Options = Options()) throws -> Report {
        let model: GPT2Model
        do { model = try GPT2Model(folder: modelFolder) } catch { throw TrainingError(.badInput, "\(error)") }
        var splitSeed: UInt64 = 1, fraction = 0.02
        if let data = FileManager.default.contents(atPath: modelFolder + "/training.json") {
            guard let settings = try? JSONDecoder().decode(TrainingSettings.self, from: data) else {
                throw TrainingError(.corrupt, "\(modelFolder)/training.json: not a training settings file")
            }
            (splitSeed, fraction) = (settings.seed, settings.validationFraction)
        } else if options.heldOutOnly {
            throw TrainingError(.badInput, "\(modelFolder) has no training.json: its held-out split is unknown (score every poem instead)")
        }
        let keywordFile = modelFolder + "/keywords.txt"
        let matcher = FileManager.default.fileExists(atPath: keywordFile) ? try KeywordMatcher(contentsOf: keywordFile) : KeywordMatcher(words: [])
        let corpus = try TrainingCorpus.load(paths: corpora, keywords: matcher, seed: splitSeed,
                                             validationFraction: options.heldOutOnly ? fraction : 1)
        let poems = corpus.validation
        var report = Report()
        guard !poems.isEmpty else { return report }

        // Cross-entropy with the training pass's loss (float32 copies of the weights).
        let weights: SafeTensors
        do { weights = try SafeTensors(contentsOf: modelFolder + "/model.safetensors") } catch { throw TrainingError(.badInput, "\(error)") }
        let parameters = try GPT2Parameters(config: model.config, source: weights)
        let encoded = poems.map { EncodedPoem($0, tokenizer: model.tokenizer) }.filter { $0.ids.count <= model.config.positions }
        let (sum, count) = try GeneratorTrainer.lossSum(encoded, pass: GPT2TrainingPass(layout: parameters.layout), parameters: parameters,
                                                        tokensPerBatch: 4096, pad: Int32(model.tokenizer.padID))
        report.poems = encoded.count
        report.tokens = count
        report.crossEntropy = sum / Double(max(count, 1))
        report.perplexity = exp(report.crossEntropy)

        // Keyword use of generated poems.
        var generator = GPT2PoemGenerator(model: model)
        generator.keywordBias = options.keywordBias
        report.keywordBias = Double(options.keywordBias)
        var hits = 0, formed = 0
        for (i, poem) in poems.filter({ !$0.keywords.isEmpty }).prefix(options.keywordSets).enumerated() {
            let written = try generator.candidates(keywords: poem.keywords, count: options.poemsPerSet, seed: options.seed &+ UInt64(i * options.poemsPerSet))
            for w in written {
                let text = w.lines.map(\.text).joined()
                if poem.keywords.contains(where: { text.contains($0) }) { hits += 1 }
                if w.isWellFormed(lineCount: 4) { formed += 1 }
            }
            report.generated += written.count
            if report.samples.count < options.samples, let first = written.first {
                report.samples.append(Sample(keywords: poem.keywords, lines: first.lines.map(\.text)))
            }
        }
        if let first = poems.first(where: { !$0.keywords.isEmpty }) {
            report.sixteenCandidatesSeconds = .infinity
            for _ in 0..<3 {
                let start = Date()
                var timed = GPT2PoemGenerator(model: model)
                timed.keywordBias = options.keywordBias
                _ = try timed.candidates(keywords: first.keywords, count: 16, seed: options.seed)
                report.sixteenCandidatesSeconds = min(report.sixteenCandidatesSeconds, Date().timeIntervalSince(start))
            }
        }
        if report.generated > 0 {
            report.keywordUse = Double(hits) / Double(report.generated)
            report.wellFormed = Double(formed) / Double(report.generated)
        }
        return report
    }
}
