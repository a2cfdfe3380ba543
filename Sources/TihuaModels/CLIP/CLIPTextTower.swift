import TihuaCompute

/// Chinese-CLIP's text tower: BERT (word + position + token-type-0
/// embeddings, LayerNorm, post-LN blocks), the [CLS] row of the last hidden
/// state (not BERT's pooler), then `text_projection` without bias.
public final class CLIPTextTower: @unchecked Sendable {  // immutable after init; `weights` points into `source`, read only
    public let config: CLIPTextConfig
    public let projectionDim: Int
    private let weights: CLIPTextWeights
    private let source: TensorSource   // keeps the weights' memory alive

    init(config: CLIPTextConfig, projectionDim: Int, binder: WeightBinder) throws {
        self.config = config
        self.projectionDim = projectionDim
        self.weights = try CLIPTextWeights(binder, config, projectionDim: projectionDim)
        self.source = binder.source
    }

    /// One forward pass over a batch of token sequences, padded to the
    /// longest. Padding is masked out of attention, so a sequence's result
    /// does not depend on what it is batched with.
    public struct Output: Sendable {
        public let lengths: [Int]
        /// Padded sequence length T.
        public let sequenceLength: Int
        public let hiddenSize: Int
        /// [B, P] projected [CLS] features, not normalised.
        public let projected: [Float]
        /// When requested: embeddings output then each layer's output, each [B, T, C].
        public let hiddenStates: [[Float]]

        /// Rows of sequence `item` (its real tokens only) at hidden state `index`
        /// (0 = embeddings; the last = last_hidden_state): [length, C].
        public func hiddenState(_ index: Int, item: Int) -> [Float] {
            let start = item * sequenceLength * hiddenSize
            return Array(hiddenStates[index][start..<(start + lengths[item] * hiddenSize)])
        }
    }

    public func forward(tokenIDs batch: [[Int]], keepHiddenStates: Bool = false) throws -> Output {
        let c = config, C = c.hiddenSize
        let B = batch.count
        let T = batch.map(\.count).max() ?? 0
        for (i, ids) in batch.enumerated() {
            guard !ids.isEmpty else { throw ModelError(.invalidInput, "text tower: sequence \(i) is empty (it needs at least [CLS])") }
            guard ids.count <= c.maxPositions else {
                throw ModelError(.invalidInput, "text tower: sequence \(i) has \(ids.count) tokens, over max_position_embeddings \(c.maxPositions)")
            }
            if let bad = ids.first(where: { $0 < 0 || $0 >= c.vocabSize }) {
                throw ModelError(.invalidInput, "text tower: sequence \(i) has token id \(bad) outside the vocabulary (\(c.vocabSize))")
            }
        }
        guard B > 0 else {
            return Output(lengths: [], sequenceLength: 0, hiddenSize: C, projected: [], hiddenStates: [])
        }
        return ComputeBudget.forwardPass { compute(batch, tokens: T, keepHiddenStates: keepHiddenStates) }
    }

    /// The pass itself, on validated input: [B, T] ids → Output.
    private func compute(_ batch: [[Int]], tokens T: Int, keepHiddenStates: Bool) -> Output {
        let c = config, C = c.hiddenSize, B = batch.count
        let ws = EncoderWorkspace(batch: B, tokens: T, hidden: C, heads: c.heads, intermediate: c.intermediateSize)
        let n = ws.rows
        // Additive key mask: 0 for real tokens, the most negative float for padding
        // (as transformers' extended attention mask), so exp() makes it exactly 0.
        let mask = FloatBuffer(B * T)
        for (b, ids) in batch.enumerated() where ids.count < T {
            for t in ids.count..<T { mask.pointer[b * T + t] = -Float.greatestFiniteMagnitude }
        }
        let x = ws.x.pointer
        embed(batch, into: x, tokens: T)
        var hidden: [[Float]] = keepHiddenStates ? [ws.x.array()] : []

        for layer in weights.layers {
            // x = LN(x + Attention(x)·Woᵀ + bo)
            ws.selfAttention(layer.attention, input: x, keyMask: mask.pointer)
            ws.normed.pointer.update(from: x, count: n * C)
            Kernels.linear(out: ws.normed.pointer, inp: ws.context.pointer, weight: layer.attention.outputWeight,
                           bias: layer.attention.outputBias, rows: n, inFeatures: C, outFeatures: C, accumulate: true)
            Kernels.layerNorm(out: x, inp: ws.normed.pointer, weight: layer.attentionNormWeight, bias: layer.attentionNormBias,
                              rows: n, channels: C, eps: c.layerNormEps)
            // x = LN(x + GELU(x·Wiᵀ + bi)·Wo2ᵀ + bo2)
            Kernels.linear(out: ws.inner.pointer, inp: x, weight: layer.intermediateWeight, bias: layer.intermediateBias,
                           rows: n, inFeatures: C, outFeatures: c.intermediateSize, activation: c.activation)
            ws.normed.pointer.update(from: x, count: n * C)
            Kernels.linear(out: ws.normed.pointer, inp: ws.inner.pointer, weight: layer.outputWeight, bias: layer.outputBias,
                           rows: n, inFeatures: c.intermediateSize, outFeatures: C, accumulate: true)
            Kernels.layerNorm(out: x, inp: ws.normed.pointer, weight: layer.outputNormWeight, bias: layer.outputNormBias,
                              rows: n, channels: C, eps: c.layerNormEps)
            if keepHiddenStates { hidden.append(ws.x.array()) }
        }

        // The [CLS] row of each sequence, projected.
        let cls = FloatBuffer(B * C)
        for b in 0..<B { (cls.pointer + b * C).update(from: x + b * T * C, count: C) }
        let projected = FloatBuffer(B * projectionDim)
        Kernels.linear(out: projected.pointer, inp: cls.pointer, weight: weights.projection, bias: nil,
                       rows: B, inFeatures: C, outFeatures: projectionDim)
        return Output(lengths: batch.map(\.count), sequenceLength: T, hiddenSize: C,
                      projected: projected.array(), hiddenStates: hidden)
    }

    /// x[b, t] = LN(word[id] + position[t] + tokenType[0])   x: [B, T, C]
    /// (padding rows embed [PAD] = id 0; they are masked out of attention).
    private func embed(_ batch: [[Int]], into x: UnsafeMutablePointer<Float>, tokens T: Int) {
        let C = config.hiddenSize
        let w = weights
        for (b, ids) in batch.enumerated() {
            for t in 0..<T {
                let id = t < ids.count ? ids[t] : 0
                let row = x + (b * T + t) * C
                let word = w.wordEmbeddings + id * C, position = w.positionEmbeddings + t * C
                for i in 0..<C { row[i] = word[i] + position[i] + w.tokenTypeEmbeddings[i] }
            }
        }
        Kernels.layerNorm(out: x, inp: x, weight: w.embeddingNormWeight, bias: w.embeddingNormBias,
                          rows: batch.count * T, channels: C, eps: config.layerNormEps)
    }
}
