import TihuaStore
import TihuaSearch
import TihuaModels
import TihuaCompute

/// A Chinese-CLIP model's tensors, under their real names and shapes, filled
/// with seeded random values (for the benchmark: real sizes, no download).
/// Matrices get N(0, 0.02²)-like uniform values as at initialisation,
/// LayerNorm weights 1 ± 0.05, biases ± 0.01, so activations stay in range.
package enum RandomCLIPWeights {
    package static func make(_ config: CLIPConfig, seed: UInt64, includeUnused: Bool = false) -> InMemoryTensors {
        let tensors = InMemoryTensors(name: "random Chinese-CLIP weights (seed \(seed))")
        for (i, spec) in tensorSpecs(config, includeUnused: includeUnused).enumerated() {
            var random = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
            tensors.add(spec.name, shape: spec.shape) { buffer in
                let (center, halfWidth): (Float, Float) = switch spec.kind {
                case .matrix: (0, 0.02 * 1.732)
                case .normWeight: (1, 0.05)
                case .bias: (0, 0.01)
                }
                fillUniform(buffer, center: center, halfWidth: halfWidth, random: &random)
            }
        }
        return tensors
    }

    package enum Kind { case matrix, normWeight, bias }

    /// Every tensor of the model, in the order a file is written.
    /// `includeUnused` adds what the real file holds but the towers do not
    /// read (BERT's pooler, `logit_scale`), to reach the real file size.
    package static func tensorSpecs(_ config: CLIPConfig, includeUnused: Bool) -> [(name: String, shape: [Int], kind: Kind)] {
        let t = config.text, v = config.vision, P = config.projectionDim
        var specs: [(String, [Int], Kind)] = []
        func linear(_ prefix: String, out: Int, in input: Int) {
            specs.append((prefix + ".weight", [out, input], .matrix))
            specs.append((prefix + ".bias", [out], .bias))
        }
        func norm(_ prefix: String, _ width: Int) {
            specs.append((prefix + ".weight", [width], .normWeight))
            specs.append((prefix + ".bias", [width], .bias))
        }
        if includeUnused { specs.append(("logit_scale", [], .bias)) }
        let e = "text_model.embeddings."
        specs.append((e + "word_embeddings.weight", [t.vocabSize, t.hiddenSize], .matrix))
        specs.append((e + "position_embeddings.weight", [t.maxPositions, t.hiddenSize], .matrix))
        specs.append((e + "token_type_embeddings.weight", [t.typeVocabSize, t.hiddenSize], .matrix))
        norm(e + "LayerNorm", t.hiddenSize)
        for l in 0..<t.layers {
            let p = "text_model.encoder.layer.\(l)."
            for name in ["query", "key", "value"] { linear(p + "attention.self." + name, out: t.hiddenSize, in: t.hiddenSize) }
            linear(p + "attention.output.dense", out: t.hiddenSize, in: t.hiddenSize)
            norm(p + "attention.output.LayerNorm", t.hiddenSize)
            linear(p + "intermediate.dense", out: t.intermediateSize, in: t.hiddenSize)
            linear(p + "output.dense", out: t.hiddenSize, in: t.intermediateSize)
            norm(p + "output.LayerNorm", t.hiddenSize)
        }
        if includeUnused { linear("text_model.pooler.dense", out: t.hiddenSize, in: t.hiddenSize) }
        specs.append(("text_projection.weight", [P, t.hiddenSize], .matrix))
        let ve = "vision_model.embeddings."
        specs.append((ve + "class_embedding", [v.hiddenSize], .matrix))
        specs.append((ve + "patch_embedding.weight", [v.hiddenSize, v.channels, v.patchSize, v.patchSize], .matrix))
        specs.append((ve + "position_embedding.weight", [v.tokens, v.hiddenSize], .matrix))
        norm("vision_model.pre_layrnorm", v.hiddenSize)
        for l in 0..<v.layers {
            let p = "vision_model.encoder.layers.\(l)."
            norm(p + "layer_norm1", v.hiddenSize)
            for name in ["q_proj", "k_proj", "v_proj", "out_proj"] { linear(p + "self_attn." + name, out: v.hiddenSize, in: v.hiddenSize) }
            norm(p + "layer_norm2", v.hiddenSize)
            linear(p + "mlp.fc1", out: v.intermediateSize, in: v.hiddenSize)
            linear(p + "mlp.fc2", out: v.hiddenSize, in: v.intermediateSize)
        }
        norm("vision_model.post_layernorm", v.hiddenSize)
        specs.append(("visual_projection.weight", [P, v.hiddenSize], .matrix))
        return specs
    }

    /// Uniform values in center ± halfWidth, in parallel over the cores
    /// (each chunk from its own generator, so the result is the same for a seed).
    static func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, center: Float, halfWidth: Float, random: inout SeededRandom) {
        let seed = random.next()
        let base = buffer.baseAddress
        let parts = buffer.count >= 1 << 20 ? 8 : 1
        Parallel.forEachChunk(count: buffer.count, parts: parts) { chunk, range in
            var r = SeededRandom(seed: seed &+ UInt64(chunk))
            for i in range {
                let unit = Float(r.next() >> 40) * 0x1p-24  // [0, 1)
                base![i] = center + halfWidth * (2 * unit - 1)
            }
        }
    }

    /// A vocabulary of the real size: the five special tokens at their real
    /// ids, then CJK characters, so that Chinese text tokenizes one id per character.
    package static func vocabulary(size: Int) -> [String] {
        var tokens = ["[PAD]"] + (1..<100).map { "[unused\($0)]" } + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        var scalar: UInt32 = 0x4E00
        while tokens.count < size {
            tokens.append(String(Character(Unicode.Scalar(scalar)!)))
            scalar += 1
        }
        return Array(tokens.prefix(size))
    }
}
