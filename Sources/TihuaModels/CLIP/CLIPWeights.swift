/// Self-attention weights in nn.Linear layout ([C, C] weights, [C] biases).
struct AttentionWeights {
    let queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias: UnsafePointer<Float>
    let outputWeight, outputBias: UnsafePointer<Float>
}

/// One BERT layer (post-LayerNorm) of the text tower.
struct BertLayerWeights {
    let attention: AttentionWeights
    let attentionNormWeight, attentionNormBias: UnsafePointer<Float>
    let intermediateWeight, intermediateBias: UnsafePointer<Float>   // [I, C], [I]
    let outputWeight, outputBias: UnsafePointer<Float>               // [C, I], [C]
    let outputNormWeight, outputNormBias: UnsafePointer<Float>
}

/// One ViT layer (pre-LayerNorm) of the vision tower.
struct ViTLayerWeights {
    let norm1Weight, norm1Bias: UnsafePointer<Float>
    let attention: AttentionWeights
    let norm2Weight, norm2Bias: UnsafePointer<Float>
    let fc1Weight, fc1Bias: UnsafePointer<Float>   // [I, C], [I]
    let fc2Weight, fc2Bias: UnsafePointer<Float>   // [C, I], [C]
}

/// The text tower's tensors under transformers' ChineseCLIPModel names.
struct CLIPTextWeights {
    let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNormWeight, embeddingNormBias: UnsafePointer<Float>
    let layers: [BertLayerWeights]
    let projection: UnsafePointer<Float>   // [P, C], no bias

    init(_ w: WeightBinder, _ c: CLIPTextConfig, projectionDim: Int) throws {
        let C = c.hiddenSize, I = c.intermediateSize
        let e = "text_model.embeddings."
        wordEmbeddings = try w.tensor(e + "word_embeddings.weight", [c.vocabSize, C])
        positionEmbeddings = try w.tensor(e + "position_embeddings.weight", [c.maxPositions, C])
        tokenTypeEmbeddings = try w.tensor(e + "token_type_embeddings.weight", [c.typeVocabSize, C])
        embeddingNormWeight = try w.tensor(e + "LayerNorm.weight", [C])
        embeddingNormBias = try w.tensor(e + "LayerNorm.bias", [C])
        layers = try (0..<c.layers).map { l in
            let p = "text_model.encoder.layer.\(l)."
            return BertLayerWeights(
                attention: AttentionWeights(
                    queryWeight: try w.tensor(p + "attention.self.query.weight", [C, C]),
                    queryBias: try w.tensor(p + "attention.self.query.bias", [C]),
                    keyWeight: try w.tensor(p + "attention.self.key.weight", [C, C]),
                    keyBias: try w.tensor(p + "attention.self.key.bias", [C]),
                    valueWeight: try w.tensor(p + "attention.self.value.weight", [C, C]),
                    valueBias: try w.tensor(p + "attention.self.value.bias", [C]),
                    outputWeight: try w.tensor(p + "attention.output.dense.weight", [C, C]),
                    outputBias: try w.tensor(p + "attention.output.dense.bias", [C])),
                attentionNormWeight: try w.tensor(p + "attention.output.LayerNorm.weight", [C]),
                attentionNormBias: try w.tensor(p + "attention.output.LayerNorm.bias", [C]),
                intermediateWeight: try w.tensor(p + "intermediate.dense.weight", [I, C]),
                intermediateBias: try w.tensor(p + "intermediate.dense.bias", [I]),
                outputWeight: try w.tensor(p + "output.dense.weight", [C, I]),
                outputBias: try w.tensor(p + "output.dense.bias", [C]),
                outputNormWeight: try w.tensor(p + "output.LayerNorm.weight", [C]),
                outputNormBias: try w.tensor(p + "output.LayerNorm.bias", [C]))
        }
        projection = try w.tensor("text_projection.weight", [projectionDim, C])
    }
}

/// The vision tower's tensors under transformers' ChineseCLIPModel names
/// (including its spelling `pre_layrnorm`).
struct CLIPVisionWeights {
    let classEmbedding: UnsafePointer<Float>     // [C]
    let patchEmbedding: UnsafePointer<Float>     // [C, channels, p, p] = [C, channels·p·p]
    let positionEmbeddings: UnsafePointer<Float> // [tokens, C]
    let preNormWeight, preNormBias: UnsafePointer<Float>
    let layers: [ViTLayerWeights]
    let postNormWeight, postNormBias: UnsafePointer<Float>
    let projection: UnsafePointer<Float>         // [P, C], no bias

    init(_ w: WeightBinder, _ c: CLIPVisionConfig, projectionDim: Int) throws {
        let C = c.hiddenSize, I = c.intermediateSize
        let e = "vision_model.embeddings."
        classEmbedding = try w.tensor(e + "class_embedding", [C])
        patchEmbedding = try w.tensor(e + "patch_embedding.weight", [C, c.channels, c.patchSize, c.patchSize])
        positionEmbeddings = try w.tensor(e + "position_embedding.weight", [c.tokens, C])
        preNormWeight = try w.tensor("vision_model.pre_layrnorm.weight", [C])
        preNormBias = try w.tensor("vision_model.pre_layrnorm.bias", [C])
        layers = try (0..<c.layers).map { l in
            let p = "vision_model.encoder.layers.\(l)."
            return ViTLayerWeights(
                norm1Weight: try w.tensor(p + "layer_norm1.weight", [C]),
                norm1Bias: try w.tensor(p + "layer_norm1.bias", [C]),
                attention: AttentionWeights(
                    queryWeight: try w.tensor(p + "self_attn.q_proj.weight", [C, C]),
                    queryBias: try w.tensor(p + "self_attn.q_proj.bias", [C]),
                    keyWeight: try w.tensor(p + "self_attn.k_proj.weight", [C, C]),
                    keyBias: try w.tensor(p + "self_attn.k_proj.bias", [C]),
                    valueWeight: try w.tensor(p + "self_attn.v_proj.weight", [C, C]),
                    valueBias: try w.tensor(p + "self_attn.v_proj.bias", [C]),
                    outputWeight: try w.tensor(p + "self_attn.out_proj.weight", [C, C]),
                    outputBias: try w.tensor(p + "self_attn.out_proj.bias", [C])),
                norm2Weight: try w.tensor(p + "layer_norm2.weight", [C]),
                norm2Bias: try w.tensor(p + "layer_norm2.bias", [C]),
                fc1Weight: try w.tensor(p + "mlp.fc1.weight", [I, C]),
                fc1Bias: try w.tensor(p + "mlp.fc1.bias", [I]),
                fc2Weight: try w.tensor(p + "mlp.fc2.weight", [C, I]),
                fc2Bias: try w.tensor(p + "mlp.fc2.bias", [C]))
        }
        postNormWeight = try w.tensor("vision_model.post_layernorm.weight", [C])
        postNormBias = try w.tensor("vision_model.post_layernorm.bias", [C])
        projection = try w.tensor("visual_projection.weight", [projectionDim, C])
    }
}
