/// config.json of a GPT2LMHeadModel (the layout of `uer/gpt2-chinese-poem`).
/// Its `bos_token_id`/`eos_token_id` are deliberately not read: in that
/// layout they are transformers' defaults (50256) and lie outside the vocabulary.
public struct GPT2Config: Sendable, Equatable {
    public var vocabSize: Int
    public var positions: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var innerSize: Int
    public var layerNormEps: Float
    public var activation: Activation
    public var scaleAttentionWeights: Bool
    public var scaleByInverseLayerIndex: Bool
    public var tiedEmbeddings: Bool

    public var headDim: Int { hiddenSize / heads }

    public init(vocabSize: Int, positions: Int, hiddenSize: Int, layers: Int, heads: Int, innerSize: Int? = nil,
                layerNormEps: Float = 1e-5, activation: Activation = .geluTanh, scaleAttentionWeights: Bool = true,
                scaleByInverseLayerIndex: Bool = false, tiedEmbeddings: Bool = true) {
        self.vocabSize = vocabSize
        self.positions = positions
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.innerSize = innerSize ?? 4 * hiddenSize
        self.layerNormEps = layerNormEps
        self.activation = activation
        self.scaleAttentionWeights = scaleAttentionWeights
        self.scaleByInverseLayerIndex = scaleByInverseLayerIndex
        self.tiedEmbeddings = tiedEmbeddings
    }

    public init(contentsOf path: String) throws {
        try self.init(json: readWholeFile(path), file: path)
    }

    public init(json bytes: [UInt8], file: String = "config.json") throws {
        let c = try ConfigReader(bytes: bytes, file: file)
        if let type = c.value("model_type")?.stringValue, type != "gpt2" {
            throw c.unsupported("model_type", "'\(type)' is not a GPT-2 model (expected 'gpt2')")
        }
        let hidden = try c.int("n_embd")
        let heads = try c.int("n_head")
        guard let positions = try c.optionalInt("n_positions") ?? c.optionalInt("n_ctx") else {
            throw ModelError(.format, "\(file): missing key 'n_positions'")
        }
        self.init(
            vocabSize: try c.int("vocab_size"),
            positions: positions,
            hiddenSize: hidden,
            layers: try c.int("n_layer"),
            heads: heads,
            innerSize: try c.optionalInt("n_inner"),
            layerNormEps: Float(try c.positiveDouble("layer_norm_epsilon", default: 1e-5)),
            activation: try c.activation("activation_function", default: "gelu_new"),
            scaleAttentionWeights: try c.bool("scale_attn_weights", default: true),
            scaleByInverseLayerIndex: try c.bool("scale_attn_by_inverse_layer_idx", default: false),
            tiedEmbeddings: try c.bool("tie_word_embeddings", default: true))
        guard hidden % heads == 0 else {
            throw c.unsupported("n_embd", "\(hidden) is not divisible by n_head \(heads)")
        }
        if try c.bool("add_cross_attention", default: false) {
            throw c.unsupported("add_cross_attention", "cross-attention (encoder-decoder GPT-2) is not supported")
        }
    }
}

extension GPT2Config {
    /// Every size and setting the forward pass uses, in a fixed text form
    /// (part of the model identity; float settings by their bits).
    var identityDescription: String {
        "gpt2 \(vocabSize) \(positions) \(hiddenSize) \(layers) \(heads) \(innerSize) \(layerNormEps.bitPattern) \(activation.rawValue) \(scaleAttentionWeights) \(scaleByInverseLayerIndex) \(tiedEmbeddings)"
    }
}
