import Testing
@testable import TihuaModels

/// config.json reading: the fixtures' sizes, and clear refusals.
@Suite struct ConfigTests {
    static let clipJSON = String(decoding: Fixtures.bytes("clip-tiny/config.json"), as: UTF8.self)
    static let gpt2JSON = String(decoding: Fixtures.bytes("gpt2-tiny/config.json"), as: UTF8.self)

    static func clipError(_ json: String) -> ModelError? {
        modelError { _ = try CLIPConfig(json: Array(json.utf8)) }
    }

    @Test func tinyCLIPConfig() throws {
        let c = try CLIPConfig(json: Array(Self.clipJSON.utf8))
        #expect(c.projectionDim == 32)
        #expect(c.text == CLIPTextConfig(hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 256, vocabSize: 21128,
                                         maxPositions: 512, typeVocabSize: 2, layerNormEps: 1e-12, activation: .gelu))
        #expect(c.vision == CLIPVisionConfig(hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 256, imageSize: 224,
                                             patchSize: 16, channels: 3, layerNormEps: 1e-5, activation: .quickGELU))
        #expect(c.vision.tokens == 197)
    }

    @Test func tinyGPT2Config() throws {
        let c = try GPT2Config(json: Array(Self.gpt2JSON.utf8))
        #expect(c == GPT2Config(vocabSize: 21128, positions: 128, hiddenSize: 64, layers: 2, heads: 4, innerSize: 256))
    }

    @Test func unknownHiddenActIsRefused() {
        let e = Self.clipError(Self.clipJSON.replacingOccurrences(of: "\"hidden_act\": \"gelu\"", with: "\"hidden_act\": \"swish\""))
        #expect(e?.kind == .unsupported)
        #expect(e?.message == "config.json: text_config.hidden_act: unsupported activation 'swish' (supported: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu)")
    }

    @Test func unknownActivationFunctionIsRefused() {
        let json = Self.gpt2JSON.replacingOccurrences(of: "\"gelu_new\"", with: "\"relu\"")
        let e = modelError { _ = try GPT2Config(json: Array(json.utf8)) }
        #expect(e?.message == "config.json: activation_function: unsupported activation 'relu' (supported: gelu, gelu_new, gelu_pytorch_tanh, quick_gelu)")
    }

    @Test func headsMustDivideHidden() {
        let json = Self.clipJSON.replacingOccurrences(of: "\"num_attention_heads\": 4,\n    \"num_channels\"", with: "\"num_attention_heads\": 5,\n    \"num_channels\"")
        #expect(Self.clipError(json)?.message == "config.json: vision_config.hidden_size: 64 is not divisible by num_attention_heads 5")
    }

    @Test func patchMustDivideImage() {
        let json = Self.clipJSON.replacingOccurrences(of: "\"patch_size\": 16", with: "\"patch_size\": 15")
        #expect(Self.clipError(json)?.message == "config.json: vision_config.image_size: 224 is not divisible by patch_size 15")
    }

    @Test func missingAndMistypedKeys() throws {
        // An absent size takes transformers' default, as from_pretrained does.
        let missing = Self.clipJSON.replacingOccurrences(of: "\"intermediate_size\": 256,\n    \"layer_norm_eps\": 1e-12", with: "\"layer_norm_eps\": 1e-12")
        #expect(try CLIPConfig(json: Array(missing.utf8)).text.intermediateSize == 3072)
        let mistyped = Self.clipJSON.replacingOccurrences(of: "\"projection_dim\": 32,\n  \"text_config\"", with: "\"projection_dim\": \"32\",\n  \"text_config\"")
        #expect(Self.clipError(mistyped)?.message == "config.json: projection_dim: expected an integer, found \"32\"")
        #expect(Self.clipError("{")?.message == "config.json: invalid JSON at byte 1: expected a string key")
        #expect(Self.clipError("{\"model_type\": \"bert\"}")?.kind == .unsupported)
    }

    @Test func gpt2DefaultsAndRefusals() throws {
        let minimal = #"{"vocab_size": 100, "n_positions": 16, "n_embd": 8, "n_head": 2, "n_layer": 1}"#
        let c = try GPT2Config(json: Array(minimal.utf8))
        #expect(c.innerSize == 32 && c.activation == .geluTanh && c.tiedEmbeddings && c.scaleAttentionWeights)
        let cross = #"{"vocab_size": 100, "n_positions": 16, "n_embd": 8, "n_head": 2, "n_layer": 1, "add_cross_attention": true}"#
        #expect(modelError { _ = try GPT2Config(json: Array(cross.utf8)) }?.kind == .unsupported)
        let odd = #"{"vocab_size": 100, "n_positions": 16, "n_embd": 8, "n_head": 3, "n_layer": 1}"#
        #expect(modelError { _ = try GPT2Config(json: Array(odd.utf8)) }?.message == "config.json: n_embd: 8 is not divisible by n_head 3")
    }
}
