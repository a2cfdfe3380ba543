import TihuaStore
import TihuaSearch
import TihuaModels
import Foundation
import TihuaCompute

/// Measures the Chinese-CLIP towers at real size (ViT-B/16 and BERT-base,
/// random weights in memory) against a plain sgemm of the same run, and the
/// open time of a real-sized model folder written to a temporary directory.
public enum EncoderBenchmark {
    public struct Options: Sendable {
        public var images = 16
        public var imageBatch = 8
        public var texts = 64
        public var textBatch = 32
        /// Also write a real-sized model folder and time opening it.
        public var measureOpen = true
        public var seed: UInt64 = 1
        /// The model measured: ViT-B/16 + BERT-base unless a test asks for less.
        public var config = CLIPConfig.base
        /// A model folder to measure instead of random weights in memory (any
        /// weight format: comparing a pytorch_model.bin with its safetensors copy).
        public var modelFolder: String?
        public init() {}
    }

    public struct Report: Sendable, Codable, Equatable {
        public var images: Int
        public var imageBatch: Int
        public var imagesPerSecond: Double
        /// Matrix-product FLOPs of one image (2 per multiply-add).
        public var imageGFLOPPerImage: Double
        public var imageGFLOPPerSecond: Double
        /// A plain sgemm of the tower's largest shape, measured in the same run.
        public var sgemmShape: String
        public var sgemmGFLOPPerSecond: Double
        /// imageGFLOPPerSecond / sgemmGFLOPPerSecond.
        public var imageEfficiency: Double
        public var texts: Int
        public var textBatch: Int
        public var poemTextsPerSecond: Double
        public var keywordTextsPerSecond: Double
        /// Open of the written folder (config, vocabulary, mmap, header and
        /// shape validation, identity): best of three; nil when not measured.
        public var openMilliseconds: Double?
        public var modelFileMegabytes: Double?
        /// The Q/K/V projections of one image batch through one layer: one
        /// sgemm of N = 3C over fused weights (which would need a copy of them)
        /// and the three of N = C into the same buffer that the towers run,
        /// best of 7 runs each, interleaved.
        public var qkvFusedMilliseconds: Double
        public var qkvSeparateMilliseconds: Double
        public var cores: Int
    }

    public static func run(_ options: Options, progress: (String) -> Void = { _ in }) throws -> Report {
        let model: CLIPModel
        if let folder = options.modelFolder {
            progress("opening \(folder)")
            model = try CLIPModel(folder: folder)
        } else {
            let config = options.config
            progress("building random weights in memory (vision \(config.vision.layers)×\(config.vision.hiddenSize), text \(config.text.layers)×\(config.text.hiddenSize))")
            let weights = RandomCLIPWeights.make(config, seed: options.seed)
            let tokenizer = try BertTokenizer(vocabulary: BertVocabulary(tokens: RandomCLIPWeights.vocabulary(size: config.text.vocabSize)))
            model = try CLIPModel(config: config, weights: weights, tokenizer: tokenizer, identity: "random")
        }
        let config = model.config, tokenizer = model.tokenizer

        progress("measuring sgemm")
        // The MLP's first product, the tower's most common shape. Measured
        // before and after the images, best kept: the ratio errs against the tower.
        let m = options.imageBatch * config.vision.tokens, n = config.vision.intermediateSize, k = config.vision.hiddenSize
        var sgemm = measureSgemm(m: m, n: n, k: k)

        progress("encoding \(options.images) images")
        let pixels = randomPixels(count: max(options.images, options.imageBatch), config: config.vision, seed: options.seed)
        _ = try model.encodeImages(pixelValues: Array(pixels.prefix(options.imageBatch * config.vision.pixelsPerImage)), count: options.imageBatch,
                               batchSize: options.imageBatch)  // warm-up
        let imageSeconds = try time {
            _ = try model.encodeImages(pixelValues: Array(pixels.prefix(options.images * config.vision.pixelsPerImage)), count: options.images,
                                       batchSize: options.imageBatch)
        }
        sgemm = max(sgemm, measureSgemm(m: m, n: n, k: k))
        let flopsPerImage = ModelFLOPs.visionPerImage(config)
        let imageRate = imageSeconds > 0 ? Double(options.images) / imageSeconds : 0
        let achieved = imageRate * flopsPerImage / 1e9

        progress("encoding \(options.texts) poem-length and \(options.texts) keyword-length texts")
        var random = SeededRandom(seed: options.seed)
        func text(_ length: Int) -> String {
            String((0..<length).map { _ in Character(Unicode.Scalar(0x4E00 + UInt32(random.next() % 3000))!) })
        }
        let poems = (0..<options.texts).map { _ in text(28) }
        let keywords = (0..<options.texts).map { _ in text(2) }
        _ = try model.encodeTexts(Array(poems.prefix(options.textBatch)), batchSize: options.textBatch)  // warm-up
        let poemSeconds = try time { _ = try model.encodeTexts(poems, batchSize: options.textBatch) }
        let keywordSeconds = try time { _ = try model.encodeTexts(keywords, batchSize: options.textBatch) }

        progress("measuring fused and separate Q/K/V projections")
        let qkv = measureQKV(rows: options.imageBatch * config.vision.tokens, channels: config.vision.hiddenSize)

        var openMilliseconds: Double?, megabytes: Double?
        if options.measureOpen {
            progress("writing a real-sized model folder and timing its open")
            (openMilliseconds, megabytes) = try measureOpen(config: config, tokenizer: tokenizer, seed: options.seed)
        }
        return Report(
            images: options.images, imageBatch: options.imageBatch, imagesPerSecond: imageRate,
            imageGFLOPPerImage: flopsPerImage / 1e9, imageGFLOPPerSecond: achieved,
            sgemmShape: "\(m)x\(n)x\(k)", sgemmGFLOPPerSecond: sgemm,
            imageEfficiency: sgemm > 0 ? achieved / sgemm : 0,
            texts: options.texts, textBatch: options.textBatch,
            poemTextsPerSecond: poemSeconds > 0 ? Double(options.texts) / poemSeconds : 0,
            keywordTextsPerSecond: keywordSeconds > 0 ? Double(options.texts) / keywordSeconds : 0,
            openMilliseconds: openMilliseconds, modelFileMegabytes: megabytes,
            qkvFusedMilliseconds: qkv.fused * 1000, qkvSeparateMilliseconds: qkv.separate * 1000, cores: Parallel.cores)
    }

    /// Seconds of qkv[N, 3C] = x[N, C] · [Wq; Wk; Wv]ᵀ as one sgemm and as
    /// three sgemms writing the column blocks of the same buffer (best of 7).
    static func measureQKV(rows n: Int, channels c: Int) -> (fused: Double, separate: Double) {
        let x = FloatBuffer(n * c), w = FloatBuffer(3 * c * c), out = FloatBuffer(n * 3 * c)
        for i in 0..<(n * c) { x.pointer[i] = Float(i % 7) * 0.01 }
        for i in 0..<(3 * c * c) { w.pointer[i] = Float(i % 5) * 0.01 }
        var fused = Double.infinity, separate = Double.infinity
        for _ in 0..<7 {
            fused = min(fused, time {
                BLAS.sgemm(m: n, n: 3 * c, k: c, a: x.pointer, lda: c, b: w.pointer, ldb: c, bTransposed: true, c: out.pointer, ldc: 3 * c)
            })
            separate = min(separate, time {
                for part in 0..<3 {
                    BLAS.sgemm(m: n, n: c, k: c, a: x.pointer, lda: c, b: w.pointer + part * c * c, ldb: c, bTransposed: true,
                               c: out.pointer + part * c, ldc: 3 * c)
                }
            })
        }
        return (fused, separate)
    }

    /// GFLOP/s of C[m×n] = A[m×k]·B[n×k]ᵀ (an nn.Linear), best of several runs.
    static func measureSgemm(m: Int, n: Int, k: Int) -> Double {
        let a = FloatBuffer(m * k), b = FloatBuffer(n * k), c = FloatBuffer(m * n)
        for i in 0..<(m * k) { a.pointer[i] = Float(i % 7) * 0.01 }
        for i in 0..<(n * k) { b.pointer[i] = Float(i % 5) * 0.01 }
        var best = Double.infinity
        for _ in 0..<5 {
            let seconds = time {
                BLAS.sgemm(m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: k, bTransposed: true, c: c.pointer, ldc: n,
                           threads: ComputeBudget.threadsPerPass)
            }
            best = min(best, seconds)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }

    /// Writes config.json, vocab.txt and a model.safetensors of the real
    /// file's size and names, then opens the folder three times.
    static func measureOpen(config: CLIPConfig, tokenizer: BertTokenizer, seed: UInt64) throws -> (Double, Double) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tihua-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let full = RandomCLIPWeights.make(config, seed: seed &+ 1, includeUnused: true)
        try SafeTensorsWriter.write(full, to: folder + "/model.safetensors")
        try Data(configJSON(config).utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        try Data((tokenizer.vocabulary.tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/vocab.txt"))
        let size = try FileManager.default.attributesOfItem(atPath: folder + "/model.safetensors")[.size] as? Int ?? 0
        var best = Double.infinity
        for _ in 0..<3 {
            best = min(best, try time { _ = try CLIPModel(folder: folder) })
        }
        return (best * 1000, Double(size) / 1e6)
    }

    static func randomPixels(count: Int, config: CLIPVisionConfig, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed ^ 0xDEAD_BEEF)
        return (0..<(count * config.pixelsPerImage)).map { _ in Float(random.next() >> 40) * 0x1p-24 * 4 - 2 }
    }

    /// A config.json with the keys a ChineseCLIPModel config has.
    static func configJSON(_ c: CLIPConfig) -> String {
        """
        {"model_type": "chinese_clip", "projection_dim": \(c.projectionDim),
         "text_config": {"hidden_size": \(c.text.hiddenSize), "num_hidden_layers": \(c.text.layers), "num_attention_heads": \(c.text.heads),
          "intermediate_size": \(c.text.intermediateSize), "vocab_size": \(c.text.vocabSize), "max_position_embeddings": \(c.text.maxPositions),
          "type_vocab_size": \(c.text.typeVocabSize), "layer_norm_eps": \(c.text.layerNormEps), "hidden_act": "gelu"},
         "vision_config": {"hidden_size": \(c.vision.hiddenSize), "num_hidden_layers": \(c.vision.layers), "num_attention_heads": \(c.vision.heads),
          "intermediate_size": \(c.vision.intermediateSize), "image_size": \(c.vision.imageSize), "patch_size": \(c.vision.patchSize),
          "num_channels": \(c.vision.channels), "layer_norm_eps": \(c.vision.layerNormEps), "hidden_act": "quick_gelu"}}
        """
    }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
