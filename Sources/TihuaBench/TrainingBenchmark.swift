import Foundation
import TihuaCompute
import TihuaModels
import TihuaTraining

/// Training throughput of a GPT-2 size on real batches (the bundled CCPC
/// sample in the training layout), against the same process's sgemm
/// GFLOP/s measured before and after on the model's largest matrix
/// products, [tokens, C]·[C, 4C] and [tokens, 4C]·[4C, C]. Model FLOPs
/// count 6 × parameters × tokens (real tokens, not padding).
public enum TrainingBenchmark {
    public struct Report: Codable, Sendable {
        public var layers: Int, width: Int, heads: Int, vocabulary: Int, parameters: Int
        public var tokensPerBatch: Int, steps: Int
        public var tokensPerSecond: Double
        public var modelGFLOPS: Double
        public var sgemmGFLOPS: Double
        /// modelGFLOPS / sgemmGFLOPS.
        public var shareOfSGEMM: Double
        public var secondsPerStep: Double
    }

    public static func run(corpus: String, keywords: String, layers: Int, width: Int, heads: Int, positions: Int = 96,
                           tokensPerBatch: Int = 4096, steps: Int = 20) throws -> Report {
        let matcher = try KeywordMatcher(contentsOf: keywords)
        let data = try TrainingCorpus.load(paths: [corpus], keywords: matcher, seed: 1, validationFraction: 0.02)
        let vocabulary = TrainingCorpus.vocabulary(of: data.training, minimumCount: 1)
        let tokenizer = try BertTokenizer(vocabulary: BertVocabulary(tokens: vocabulary))
        let config = GPT2Config(vocabSize: vocabulary.count, positions: positions, hiddenSize: width, layers: layers, heads: heads)
        let poems = data.training.map { EncodedPoem($0, tokenizer: tokenizer) }.filter { $0.ids.count <= positions }
        let parameters = GPT2Parameters(config: config, seed: 1)
        let gradients = GPT2Parameters(zerosLike: parameters.layout)
        let optimizer = AdamW(layout: parameters.layout, settings: .init())
        let pass = GPT2TrainingPass(layout: parameters.layout)
        let plan = BatchPlan(lengths: poems.map(\.ids.count), tokensPerBatch: tokensPerBatch, seed: 1)
        let batches = plan.batches(epoch: 0)

        let before = sgemmGFLOPS(rows: tokensPerBatch, width: width)
        func step(_ i: Int) throws -> Int {
            let indices = batches[i % batches.count]
            let b = poems.batch(indices, pad: Int32(tokenizer.padID))
            gradients.zero()
            try pass.run(tokens: b.tokens, targets: b.targets, batch: b.batch, parameters: parameters, gradients: gradients)
            AdamW.clipGradients(gradients, maxNorm: 1)
            optimizer.update(parameters, gradients: gradients, learningRate: 1e-3)
            return indices.reduce(0) { $0 + poems[$1].ids.count }
        }
        _ = try step(0)  // warm-up: buffers sized
        let start = Date()
        var tokens = 0
        for i in 1...steps { tokens += try step(i) }
        let seconds = Date().timeIntervalSince(start)
        let after = sgemmGFLOPS(rows: tokensPerBatch, width: width)
        let tokensPerSecond = Double(tokens) / seconds
        let model = 6 * Double(parameters.count) * tokensPerSecond / 1e9
        let sgemm = (before + after) / 2
        return Report(layers: layers, width: width, heads: heads, vocabulary: vocabulary.count, parameters: parameters.count,
                      tokensPerBatch: tokensPerBatch, steps: steps, tokensPerSecond: tokensPerSecond, modelGFLOPS: model,
                      sgemmGFLOPS: sgemm, shareOfSGEMM: model / sgemm, secondsPerStep: seconds / Double(steps))
    }

    /// GFLOP/s of sgemm on the MLP's two products for `rows` tokens, best of 5.
    public static func sgemmGFLOPS(rows: Int, width: Int) -> Double {
        let inner = 4 * width
        let a = FloatBuffer(rows * inner), w = FloatBuffer(inner * width), c = FloatBuffer(rows * inner)
        var best = 0.0
        for _ in 0..<5 {
            let start = Date()
            BLAS.sgemm(m: rows, n: inner, k: width, a: a.pointer, lda: width, b: w.pointer, ldb: inner, bTransposed: false, c: c.pointer, ldc: inner)
            BLAS.sgemm(m: rows, n: width, k: inner, a: c.pointer, lda: inner, b: w.pointer, ldb: width, bTransposed: false, c: a.pointer, ldc: width)
            best = max(best, 4 * Double(rows) * Double(width) * Double(inner) / Date().timeIntervalSince(start) / 1e9)
        }
        return best
    }
}
