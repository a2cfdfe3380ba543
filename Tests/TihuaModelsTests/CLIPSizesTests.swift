import Foundation
import Testing
@testable import TihuaModels

/// Every size follows config.json and preprocessor_config.json: a
/// Chinese-CLIP with 336-pixel images, patch 14 (577 tokens), a text tower
/// wider than the vision tower (48 vs 32), 3 layers each and a 24-dimension
/// projection, loaded from pytorch_model.bin and checked against
/// transformers' outputs (clip-micro fixture). Tolerance: max |diff| ≤ 1e-4.
@Suite struct CLIPSizesTests {
    static let folder = TorchFixtures.path("clip-micro")
    static let model = try! CLIPModel(folder: folder, identityCache: nil)
    static let reference = try! SafeTensors(contentsOf: folder + "/reference.safetensors")
    static let texts = ["床前明月光", "疑是地上霜。", "举头望明月，低头思故乡", "Hello 世界", "", "春眠不觉晓处处闻啼鸟"]
    static let tolerance: Float = 1e-4

    @Test func sizesComeFromTheConfig() throws {
        let c = Self.model.config
        #expect(c.vision.imageSize == 336 && c.vision.patchSize == 14 && c.vision.tokens == 577)
        #expect(c.text.hiddenSize == 48 && c.vision.hiddenSize == 32 && c.projectionDim == 24)
        #expect(c.text.layers == 3 && c.vision.layers == 3 && c.text.vocabSize == 8000)
        let input = try CLIPImageInput(modelFolder: Self.folder, model: Self.model)
        #expect(input.preprocessor.width == 336 && input.preprocessor.height == 336)
    }

    @Test func textEmbeddingsAndHiddenStates() throws {
        for (i, text) in Self.texts.enumerated() {
            #expect(Self.model.tokenize(text) == (try Self.reference.integerArray("input_ids.\(i)")), "\(text)")
        }
        let embeds = try Self.model.encodeTexts(Self.texts, normalize: false)
        let diff = maxAbsDiff(embeds.values, try Self.reference.floatArray("text_embeds"))
        #expect(diff <= Self.tolerance, "text_embeds: max |diff| \(diff)")
        let out = try Self.model.text.forward(tokenIDs: [Self.model.tokenize(Self.texts[2])], keepHiddenStates: true)
        for h in 0...3 {
            let d = maxAbsDiff(out.hiddenState(h, item: 0), try Self.reference.floatArray("text.hidden_states.\(h)"))
            #expect(d <= Self.tolerance, "text hidden state \(h): max |diff| \(d)")
        }
    }

    @Test func imageEmbeddingsHiddenStatesAndPooler() throws {
        let pixels = try Self.reference.floatArray("pixel_values")
        #expect(pixels.count == 2 * 3 * 336 * 336)
        let embeds = try Self.model.encodeImages(pixelValues: pixels, count: 2, normalize: false)
        let diff = maxAbsDiff(embeds.values, try Self.reference.floatArray("image_embeds"))
        #expect(diff <= Self.tolerance, "image_embeds: max |diff| \(diff)")
        let out = try pixels.withUnsafeBufferPointer { try Self.model.vision.forward(pixels: $0, count: 2, keepHiddenStates: true) }
        for h in 0...3 {
            let d = maxAbsDiff(out.hiddenState(h, item: 0), try Self.reference.floatArray("vision.hidden_states.\(h)"))
            #expect(d <= Self.tolerance, "vision hidden state \(h): max |diff| \(d)")
        }
        let pooled = maxAbsDiff(out.pooled, try Self.reference.floatArray("vision.pooler_output"))
        #expect(pooled <= Self.tolerance, "pooler_output: max |diff| \(pooled)")
    }

    /// Our decoding and 336-pixel resize agree with transformers + Pillow
    /// (reference rounded to float16: one grey level plus the rounding).
    @Test func preprocessingAt336() throws {
        let input = try CLIPImageInput(modelFolder: Self.folder, model: Self.model)
        let reference = try Self.reference.floatArray("pixel_values")
        let results = input.pixelValues(files: [Fixtures.path("images/pubu.jpg"), Fixtures.path("images/chun.jpg")])
        let ours = try results.flatMap { try $0.get() }
        var sum: Float = 0
        for (a, b) in zip(ours, reference) { sum += abs(a - b) }
        #expect(maxAbsDiff(ours, reference) <= 0.035)
        #expect(sum / Float(ours.count) <= 0.004)
    }

    /// The published configs of the larger releases parse to their sizes:
    /// keys that are absent take transformers' defaults, and the older
    /// `*_config_dict` keys override.
    @Test func largerReleasesParse() throws {
        let huge = """
        {"model_type": "chinese_clip", "projection_dim": 1024,
         "text_config": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096, "vocab_size": 21128},
         "vision_config": {"hidden_size": 1280, "num_hidden_layers": 32, "num_attention_heads": 16, "intermediate_size": 5120, "patch_size": 14, "image_size": 224, "projection_dim": 1024}}
        """
        let h = try CLIPConfig(json: Array(huge.utf8))
        #expect(h.text.hiddenSize == 1024 && h.text.layers == 24 && h.vision.hiddenSize == 1280 && h.vision.layers == 32)
        #expect(h.vision.tokens == 257 && h.text.maxPositions == 512 && h.vision.activation == .quickGELU)
        let dict = """
        {"model_type": "chinese_clip", "projection_dim": 768, "text_config": {"vocab_size": 21128},
         "text_config_dict": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096},
         "vision_config_dict": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096, "patch_size": 14, "image_size": 336, "projection_dim": 768}}
        """
        let l = try CLIPConfig(json: Array(dict.utf8))
        #expect(l.text.hiddenSize == 1024 && l.vision.imageSize == 336 && l.vision.tokens == 577 && l.projectionDim == 768)
        // Absent sizes are transformers' defaults (ViT patch 32, BERT-base).
        let bare = try CLIPConfig(json: Array(#"{"model_type": "chinese_clip"}"#.utf8))
        #expect(bare.vision.patchSize == 32 && bare.text.hiddenSize == 768 && bare.text.vocabSize == 30522)
    }
}
