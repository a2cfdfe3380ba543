/// One GPT-2 block. Conv1D weights are stored (in, out).
struct GPT2LayerWeights {
    let norm1Weight, norm1Bias: UnsafePointer<Float>
    let attentionWeight, attentionBias: UnsafePointer<Float>   // c_attn [C, 3C], [3C]
    let projectionWeight, projectionBias: UnsafePointer<Float> // attn.c_proj [C, C], [C]
    let norm2Weight, norm2Bias: UnsafePointer<Float>
    let fcWeight, fcBias: UnsafePointer<Float>                 // mlp.c_fc [C, I], [I]
    let fcProjectionWeight, fcProjectionBias: UnsafePointer<Float> // mlp.c_proj [I, C], [C]
}

/// GPT2LMHeadModel's tensors, with or without the `transformer.` prefix.
struct GPT2Weights {
    let tokenEmbeddings: UnsafePointer<Float>    // wte [V, C]
    let positionEmbeddings: UnsafePointer<Float> // wpe [P, C]
    let layers: [GPT2LayerWeights]
    let finalNormWeight, finalNormBias: UnsafePointer<Float>
    /// [V, C]: `wte` itself when the head is tied (stored once in safetensors).
    let head: UnsafePointer<Float>

    init(_ w: WeightBinder, _ c: GPT2Config) throws {
        let C = c.hiddenSize, I = c.innerSize
        let prefix = w.source.shape(of: "transformer.wte.weight") != nil ? "transformer." : ""
        tokenEmbeddings = try w.tensor(prefix + "wte.weight", [c.vocabSize, C])
        positionEmbeddings = try w.tensor(prefix + "wpe.weight", [c.positions, C])
        layers = try (0..<c.layers).map { l in
            let p = prefix + "h.\(l)."
            return GPT2LayerWeights(
                norm1Weight: try w.tensor(p + "ln_1.weight", [C]),
                norm1Bias: try w.tensor(p + "ln_1.bias", [C]),
                attentionWeight: try w.tensor(p + "attn.c_attn.weight", [C, 3 * C]),
                attentionBias: try w.tensor(p + "attn.c_attn.bias", [3 * C]),
                projectionWeight: try w.tensor(p + "attn.c_proj.weight", [C, C]),
                projectionBias: try w.tensor(p + "attn.c_proj.bias", [C]),
                norm2Weight: try w.tensor(p + "ln_2.weight", [C]),
                norm2Bias: try w.tensor(p + "ln_2.bias", [C]),
                fcWeight: try w.tensor(p + "mlp.c_fc.weight", [C, I]),
                fcBias: try w.tensor(p + "mlp.c_fc.bias", [I]),
                fcProjectionWeight: try w.tensor(p + "mlp.c_proj.weight", [I, C]),
                fcProjectionBias: try w.tensor(p + "mlp.c_proj.bias", [C]))
        }
        finalNormWeight = try w.tensor(prefix + "ln_f.weight", [C])
        finalNormBias = try w.tensor(prefix + "ln_f.bias", [C])
        head = c.tiedEmbeddings ? tokenEmbeddings : try w.tensor("lm_head.weight", [c.vocabSize, C])
    }
}
