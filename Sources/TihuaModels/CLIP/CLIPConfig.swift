/// The BERT text tower's sizes (`text_config` of a ChineseCLIPModel).
public struct CLIPTextConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var activation: Activation

    public var headDim: Int { hiddenSize / heads }

    /// BERT-base Chinese, as in `OFA-Sys/chinese-clip-vit-base-patch16`.
    public static let base = CLIPTextConfig(
        hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072, vocabSize: 21128,
        maxPositions: 512, typeVocabSize: 2, layerNormEps: 1e-12, activation: .gelu)
}

/// The ViT image tower's sizes (`vision_config` of a ChineseCLIPModel).
public struct CLIPVisionConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var imageSize: Int
    public var patchSize: Int
    public var channels: Int
    public var layerNormEps: Float
    public var activation: Activation

    public var headDim: Int { hiddenSize / heads }
    public var patchesPerSide: Int { imageSize / patchSize }
    /// Patches plus the class token.
    public var tokens: Int { patchesPerSide * patchesPerSide + 1 }
    /// Float values of one input image (channels × size × size).
    public var pixelsPerImage: Int { channels * imageSize * imageSize }

    /// ViT-B/16 at 224 pixels.
    public static let base = CLIPVisionConfig(
        hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 3072, imageSize: 224,
        patchSize: 16, channels: 3, layerNormEps: 1e-5, activation: .quickGELU)
}

/// config.json of a ChineseCLIPModel.
public struct CLIPConfig: Sendable, Equatable {
    public var text: CLIPTextConfig
    public var vision: CLIPVisionConfig
    public var projectionDim: Int

    public init(text: CLIPTextConfig, vision: CLIPVisionConfig, projectionDim: Int) {
        self.text = text
        self.vision = vision
        self.projectionDim = projectionDim
    }

    /// `OFA-Sys/chinese-clip-vit-base-patch16`.
    public static let base = CLIPConfig(text: .base, vision: .base, projectionDim: 512)

    public init(contentsOf path: String) throws {
        try self.init(json: readWholeFile(path), file: path)
    }

    /// Reads the sizes. A key that is absent takes transformers' default
    /// (ChineseCLIPTextConfig / ChineseCLIPVisionConfig), as
    /// `from_pretrained` does, and `text_config_dict` / `vision_config_dict`
    /// (older exports) override `text_config` / `vision_config`. Settings
    /// this code does not run are refused.
    public init(json bytes: [UInt8], file: String = "config.json") throws {
        let root = try ConfigReader(bytes: bytes, file: file)
        if let type = root.value("model_type")?.stringValue, type != "chinese_clip" {
            throw root.unsupported("model_type", "'\(type)' is not a ChineseCLIPModel (expected 'chinese_clip')")
        }
        projectionDim = try root.optionalInt("projection_dim") ?? 512

        let t = try root.merged("text_config", "text_config_dict")
        text = CLIPTextConfig(
            hiddenSize: try t.optionalInt("hidden_size") ?? 768,
            layers: try t.optionalInt("num_hidden_layers") ?? 12,
            heads: try t.optionalInt("num_attention_heads") ?? 12,
            intermediateSize: try t.optionalInt("intermediate_size") ?? 3072,
            vocabSize: try t.optionalInt("vocab_size") ?? 30522,
            maxPositions: try t.optionalInt("max_position_embeddings", minimum: 2) ?? 512,
            typeVocabSize: try t.optionalInt("type_vocab_size") ?? 2,
            layerNormEps: Float(try t.positiveDouble("layer_norm_eps", default: 1e-12)),
            activation: try t.activation("hidden_act", default: "gelu"))
        guard text.hiddenSize % text.heads == 0 else {
            throw t.unsupported("hidden_size", "\(text.hiddenSize) is not divisible by num_attention_heads \(text.heads)")
        }
        let positionType = try t.string("position_embedding_type", default: "absolute")
        guard positionType == "absolute" else {
            throw t.unsupported("position_embedding_type", "'\(positionType)' is not supported (only 'absolute')")
        }

        let v = try root.merged("vision_config", "vision_config_dict")
        vision = CLIPVisionConfig(
            hiddenSize: try v.optionalInt("hidden_size") ?? 768,
            layers: try v.optionalInt("num_hidden_layers") ?? 12,
            heads: try v.optionalInt("num_attention_heads") ?? 12,
            intermediateSize: try v.optionalInt("intermediate_size") ?? 3072,
            imageSize: try v.optionalSquare("image_size") ?? 224,
            patchSize: try v.optionalSquare("patch_size") ?? 32,
            channels: try v.optionalInt("num_channels") ?? 3,
            layerNormEps: Float(try v.positiveDouble("layer_norm_eps", default: 1e-5)),
            activation: try v.activation("hidden_act", default: "quick_gelu"))
        guard vision.hiddenSize % vision.heads == 0 else {
            throw v.unsupported("hidden_size", "\(vision.hiddenSize) is not divisible by num_attention_heads \(vision.heads)")
        }
        guard vision.imageSize % vision.patchSize == 0 else {
            throw v.unsupported("image_size", "\(vision.imageSize) is not divisible by patch_size \(vision.patchSize)")
        }
        guard vision.channels == 3 else {
            throw v.unsupported("num_channels", "\(vision.channels) channels; only RGB (3) images are supported")
        }
        if let p = try v.optionalInt("projection_dim"), p != projectionDim {
            throw v.unsupported("projection_dim", "\(p) disagrees with the top-level projection_dim \(projectionDim)")
        }
    }
}

extension CLIPConfig {
    /// Every size and setting the forward passes use, in a fixed text form
    /// (part of the model identity; float settings by their bits).
    var identityDescription: String {
        let t = text, v = vision
        return "text \(t.hiddenSize) \(t.layers) \(t.heads) \(t.intermediateSize) \(t.vocabSize) \(t.maxPositions) \(t.typeVocabSize) \(t.layerNormEps.bitPattern) \(t.activation.rawValue); "
            + "vision \(v.hiddenSize) \(v.layers) \(v.heads) \(v.intermediateSize) \(v.imageSize) \(v.patchSize) \(v.channels) \(v.layerNormEps.bitPattern) \(v.activation.rawValue); "
            + "projection \(projectionDim)"
    }
}
