import TihuaCompute

/// GPT-2's forward pass over B sequences that share their length: T new
/// tokens each, at positions length ..< length + T, sequence b in KV-cache
/// slot b. One sequence (B = 1) is a `GPT2Session`; B sequences decoding in
/// lock-step (T = 1) are batched generation. Every linear layer is one sgemm
/// over all B·T rows, so the weights are read once per pass for the whole
/// batch; attention runs per (sequence, head) over that sequence's cache.
/// The scratch grows to the largest call and is then reused. Not thread-safe.
final class GPT2Forward {
    let model: GPT2Model
    let cache: GPT2KVCache
    /// Tokens in every used slot (the position of the next token).
    private(set) var length = 0
    private var rowCapacity = 0
    private var x = FloatBuffer(0)        // [B·T, C] residual stream
    private var normed = FloatBuffer(0)   // [B·T, C]
    private var qkv = FloatBuffer(0)      // [B·T, 3C]
    private var context = FloatBuffer(0)  // [B·T, C]
    private var inner = FloatBuffer(0)    // [B·T, I]
    private var scores = FloatBuffer(0)   // attention scratch
    private var logitBuffer = FloatBuffer(0)
    /// Rows of the last call's logits: B, or B·T with `allPositions`.
    private(set) var logitRows = 0

    /// `slots` sequences of up to `capacity` positions (at most n_positions).
    init(model: GPT2Model, slots: Int, capacity: Int) {
        let c = model.config
        self.model = model
        cache = GPT2KVCache(layers: c.layers, slots: slots, capacity: min(capacity, c.positions), channels: c.hiddenSize)
    }

    /// Forgets the sequences (the buffers are kept).
    func reset() { length = 0 }

    /// Logits row `row` of the last call: [V]. Row b is sequence b's last
    /// position (row b·T + t for position t with `allPositions`).
    func logits(row: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(row < logitRows, "no logits for row \(row): \(logitRows) rows")
        let V = model.config.vocabSize
        return UnsafeMutableBufferPointer(start: logitBuffer.pointer + row * V, count: V)
    }

    /// A copy of the last call's logits: [logitRows, V].
    func allLogits() -> [Float] { logitBuffer.array(count: logitRows * model.config.vocabSize) }

    /// Copies the cache of sequence `from` (its `length` positions) into slot `to`.
    func copySequence(_ from: Int, to: Int) { cache.copy(slot: from, to: to, rows: length) }

    private func ensureCapacity(rows: Int, logitRows wanted: Int) {
        let c = model.config
        if rows > rowCapacity {
            rowCapacity = rows
            x = FloatBuffer(rows * c.hiddenSize)
            normed = FloatBuffer(rows * c.hiddenSize)
            qkv = FloatBuffer(rows * 3 * c.hiddenSize)
            context = FloatBuffer(rows * c.hiddenSize)
            inner = FloatBuffer(rows * c.innerSize)
            scores = FloatBuffer(AttentionShape(batch: 1, heads: c.heads, headDim: c.headDim, queries: rows, keys: cache.capacity).scratchCount)
        }
        if wanted * c.vocabSize > logitBuffer.count { logitBuffer = FloatBuffer(wanted * c.vocabSize) }
    }

    /// Runs tokens [B, T] (B = `sequences`) after the cached ones; afterwards
    /// the logits of each sequence's last position (or of every new position
    /// with `allPositions`) are available.
    func run(_ tokens: UnsafeBufferPointer<Int>, sequences B: Int, allPositions: Bool) throws {
        let c = model.config
        let T = B > 0 ? tokens.count / B : 0, V = c.vocabSize, start = length
        guard T > 0 else { throw ModelError(.invalidInput, "GPT-2: no tokens to run") }
        precondition(B <= cache.slots && B * T == tokens.count, "GPT-2: \(tokens.count) tokens for \(B) of \(cache.slots) sequences")
        guard start + T <= c.positions else {
            throw ModelError(.invalidInput, "GPT-2: \(start + T) tokens exceed n_positions \(c.positions)")
        }
        guard start + T <= cache.capacity else {
            throw ModelError(.invalidInput, "GPT-2: \(start + T) tokens exceed the KV cache's \(cache.capacity) positions")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= V }) {
            throw ModelError(.invalidInput, "GPT-2: token id \(bad) outside the vocabulary (\(V))")
        }
        let headRows = allPositions ? B * T : B
        ensureCapacity(rows: B * T, logitRows: headRows)
        ComputeBudget.forwardPass { forward(tokens, sequences: B, tokensEach: T, start: start, allPositions: allPositions) }
        logitRows = headRows
        length = start + T
    }

    /// The pass itself, N = B·T rows; row b·T + t is token t of sequence b.
    private func forward(_ tokens: UnsafeBufferPointer<Int>, sequences B: Int, tokensEach T: Int, start: Int, allPositions: Bool) {
        let c = model.config, w = model.weights
        let N = B * T, C = c.hiddenSize, I = c.innerSize, V = c.vocabSize
        let x = x.pointer, normed = normed.pointer, qkv = qkv.pointer
        // x[b·T + t] = wte[token] + wpe[start + t]
        for r in 0..<N {
            let row = x + r * C, tok = w.tokenEmbeddings + tokens[r] * C, pos = w.positionEmbeddings + (start + r % T) * C
            for i in 0..<C { row[i] = tok[i] + pos[i] }
        }
        var scale: Float = c.scaleAttentionWeights ? 1 / Float(c.headDim).squareRoot() : 1
        for (l, layer) in w.layers.enumerated() {
            if c.scaleByInverseLayerIndex { scale = (c.scaleAttentionWeights ? 1 / Float(c.headDim).squareRoot() : 1) / Float(l + 1) }
            // qkv = LN1(x) · Wattn + b; the new keys and values join each sequence's cache.
            Kernels.layerNorm(out: normed, inp: x, weight: layer.norm1Weight, bias: layer.norm1Bias, rows: N, channels: C, eps: c.layerNormEps)
            Kernels.conv1D(out: qkv, inp: normed, weight: layer.attentionWeight, bias: layer.attentionBias,
                           rows: N, inFeatures: C, outFeatures: 3 * C)
            cache.store(layer: l, qkv: qkv, sequences: B, tokens: T, start: start)
            // Causal attention of each sequence's new queries over its cached positions.
            Kernels.attention(
                AttentionShape(batch: B, heads: c.heads, headDim: c.headDim, queries: T, keys: start + T),
                AttentionOperands(q: qkv, ldq: 3 * C, k: cache.keys(layer: l), ldk: C, v: cache.values(layer: l), ldv: C,
                                  out: context.pointer, ldo: C, kvStride: cache.slotStride),
                scale: scale, causal: true, scratch: scores.pointer)
            // x += context · Wproj + b
            Kernels.conv1D(out: x, inp: context.pointer, weight: layer.projectionWeight, bias: layer.projectionBias,
                           rows: N, inFeatures: C, outFeatures: C, accumulate: true)
            // x += act(LN2(x) · Wfc + b) · Wfcproj + b
            Kernels.layerNorm(out: normed, inp: x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: N, channels: C, eps: c.layerNormEps)
            Kernels.conv1D(out: inner.pointer, inp: normed, weight: layer.fcWeight, bias: layer.fcBias,
                           rows: N, inFeatures: C, outFeatures: I, activation: c.activation)
            Kernels.conv1D(out: x, inp: inner.pointer, weight: layer.fcProjectionWeight, bias: layer.fcProjectionBias,
                           rows: N, inFeatures: I, outFeatures: C, accumulate: true)
        }
        // logits = LNf(x) · wteᵀ over every row, or over each sequence's last row.
        if allPositions || T == 1 {
            Kernels.layerNorm(out: normed, inp: x, weight: w.finalNormWeight, bias: w.finalNormBias, rows: N, channels: C, eps: c.layerNormEps)
        } else {
            for b in 0..<B {
                Kernels.layerNorm(out: normed + b * C, inp: x + (b * T + T - 1) * C, weight: w.finalNormWeight, bias: w.finalNormBias,
                                  rows: 1, channels: C, eps: c.layerNormEps)
            }
        }
        Kernels.linear(out: logitBuffer.pointer, inp: normed, weight: w.head, bias: nil,
                       rows: allPositions ? N : B, inFeatures: C, outFeatures: V)
    }
}
