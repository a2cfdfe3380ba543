import Foundation
import Testing
@testable import TihuaModels
import TihuaBench

@Suite struct BenchmarkTests {
    /// The benchmark's whole path at a tiny size: random weights, sgemm,
    /// images, texts, and writing + opening a model folder.
    @Test func benchmarkRunsAtTinySize() throws {
        var options = EncoderBenchmark.Options()
        var config = CLIPConfig.base
        config.vision = CLIPVisionConfig(hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, imageSize: 32,
                                         patchSize: 16, channels: 3, layerNormEps: 1e-5, activation: .quickGELU)
        config.text = CLIPTextConfig(hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, vocabSize: 21128,
                                     maxPositions: 64, typeVocabSize: 2, layerNormEps: 1e-12, activation: .gelu)
        config.projectionDim = 16
        options.config = config
        options.images = 2
        options.imageBatch = 2
        options.texts = 4
        options.textBatch = 2
        let report = try EncoderBenchmark.run(options)
        #expect(report.imagesPerSecond > 0 && report.poemTextsPerSecond > 0 && report.keywordTextsPerSecond > 0)
        #expect(report.sgemmGFLOPPerSecond > 0 && report.imageEfficiency > 0)
        #expect(report.sgemmShape == "10x64x32")
        #expect((report.openMilliseconds ?? -1) > 0)
        // 21128×32 word embeddings dominate: 2.7 MB plus the rest.
        #expect((report.modelFileMegabytes ?? 0) > 2.7)
    }

    /// The random model's file opens as a ChineseCLIPModel folder would, with every tensor checked.
    @Test func randomWeightsHaveTheRealNames() throws {
        let specs = RandomCLIPWeights.tensorSpecs(.base, includeUnused: true)
        let names = Set(specs.map(\.name))
        #expect(names.contains("vision_model.pre_layrnorm.weight"))
        #expect(names.contains("text_model.encoder.layer.11.output.LayerNorm.bias"))
        #expect(names.contains("vision_model.encoder.layers.11.mlp.fc2.weight"))
        // ~188.7 M parameters: the real 753 MB file.
        let parameters = specs.reduce(0) { $0 + $1.shape.reduce(1, *) }
        #expect(abs(Double(parameters) * 4 / 1e6 - 755) < 5, "\(parameters)")
    }
}
