/// One sequence being run through GPT-2: the KV cache of every layer and
/// the scratch buffers of a forward pass. The scratch grows to the longest
/// call (the prompt) and is then reused, so decoding one token at a time
/// allocates nothing. Not thread-safe: one session per sequence.
public final class GPT2Session {
    public let model: GPT2Model
    /// Tokens in the cache (the position of the next token).
    public private(set) var length = 0
    private let keyCache: FloatBuffer    // [layers, positions, C]
    private let valueCache: FloatBuffer  // [layers, positions, C]
    private var rowCapacity = 0
    private var x = FloatBuffer(0)        // [T, C] residual stream
    private var normed = FloatBuffer(0)   // [T, C]
    private var qkv = FloatBuffer(0)      // [T, 3C]
    private var context = FloatBuffer(0)  // [T, C]
    private var inner = FloatBuffer(0)    // [T, I]
    private var scores = FloatBuffer(0)   // attention scratch
    private var logitBuffer = FloatBuffer(0)
    private var logitRows = 0

    init(model: GPT2Model) {
        self.model = model
        let c = model.config
        keyCache = FloatBuffer(c.layers * c.positions * c.hiddenSize)
        valueCache = FloatBuffer(c.layers * c.positions * c.hiddenSize)
    }

    /// Forgets the sequence (the buffers are kept).
    public func reset() { length = 0 }

    /// Runs `tokens` after the cached ones. Afterwards the logits of the last
    /// position (or of every new position with `allPositions`) are available.
    public func append(_ tokens: [Int], allPositions: Bool = false) throws {
        try tokens.withUnsafeBufferPointer { try forward($0, allPositions: allPositions) }
    }

    /// Runs one token (no allocation once the scratch is sized).
    public func append(token: Int) throws {
        try withUnsafePointer(to: token) { try forward(UnsafeBufferPointer(start: $0, count: 1), allPositions: false) }
    }

    /// Gives `body` the logits of the last appended position: [vocab].
    /// `body` may modify them (the sampler scales them in place).
    public func withLastLogits<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        let V = model.config.vocabSize
        precondition(logitRows > 0, "no logits yet: append tokens first")
        return try body(UnsafeMutableBufferPointer(start: logitBuffer.pointer + (logitRows - 1) * V, count: V))
    }

    /// A copy of the logits of the last append: [rows, vocab], rows = 1 or
    /// the number of tokens appended with `allPositions`.
    public func logits() -> [Float] {
        logitBuffer.array(count: logitRows * model.config.vocabSize)
    }

    private func ensureCapacity(rows: Int, logitRows wanted: Int) {
        let c = model.config
        if rows > rowCapacity {
            rowCapacity = rows
            x = FloatBuffer(rows * c.hiddenSize)
            normed = FloatBuffer(rows * c.hiddenSize)
            qkv = FloatBuffer(rows * 3 * c.hiddenSize)
            context = FloatBuffer(rows * c.hiddenSize)
            inner = FloatBuffer(rows * c.innerSize)
            scores = FloatBuffer(AttentionShape(batch: 1, heads: c.heads, headDim: c.headDim, queries: rows, keys: c.positions).scratchCount)
        }
        if wanted * c.vocabSize > logitBuffer.count { logitBuffer = FloatBuffer(wanted * c.vocabSize) }
    }

    /// The forward pass of T new tokens at positions length ..< length + T.
    private func forward(_ tokens: UnsafeBufferPointer<Int>, allPositions: Bool) throws {
        let c = model.config, w = model.weights
        let T = tokens.count, C = c.hiddenSize, I = c.innerSize, V = c.vocabSize, start = length
        guard T > 0 else { throw ModelError(.invalidInput, "GPT-2: no tokens to run") }
        guard start + T <= c.positions else {
            throw ModelError(.invalidInput, "GPT-2: \(start + T) tokens exceed n_positions \(c.positions)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= V }) {
            throw ModelError(.invalidInput, "GPT-2: token id \(bad) outside the vocabulary (\(V))")
        }
        let headRows = allPositions ? T : 1
        ensureCapacity(rows: T, logitRows: headRows)
        let x = x.pointer, normed = normed.pointer, qkv = qkv.pointer

        ComputeLock.run {
            // x[t] = wte[token] + wpe[start + t]
            for t in 0..<T {
                let row = x + t * C, tok = w.tokenEmbeddings + tokens[t] * C, pos = w.positionEmbeddings + (start + t) * C
                for i in 0..<C { row[i] = tok[i] + pos[i] }
            }
            var scale: Float = c.scaleAttentionWeights ? 1 / Float(c.headDim).squareRoot() : 1
            for (l, layer) in w.layers.enumerated() {
                if c.scaleByInverseLayerIndex { scale = (c.scaleAttentionWeights ? 1 / Float(c.headDim).squareRoot() : 1) / Float(l + 1) }
                // qkv = LN1(x) · Wattn + b; the new keys and values join the cache.
                Kernels.layerNorm(out: normed, inp: x, weight: layer.norm1Weight, bias: layer.norm1Bias, rows: T, channels: C, eps: c.layerNormEps)
                Kernels.conv1D(out: qkv, inp: normed, weight: layer.attentionWeight, bias: layer.attentionBias,
                               rows: T, inFeatures: C, outFeatures: 3 * C)
                let keys = keyCache.pointer + l * c.positions * C, values = valueCache.pointer + l * c.positions * C
                for t in 0..<T {
                    (keys + (start + t) * C).update(from: qkv + t * 3 * C + C, count: C)
                    (values + (start + t) * C).update(from: qkv + t * 3 * C + 2 * C, count: C)
                }
                // Causal attention of the new queries over every cached position.
                Kernels.attention(
                    AttentionShape(batch: 1, heads: c.heads, headDim: c.headDim, queries: T, keys: start + T),
                    AttentionOperands(q: qkv, ldq: 3 * C, k: keys, ldk: C, v: values, ldv: C, out: context.pointer, ldo: C),
                    scale: scale, causal: true, scratch: scores.pointer)
                // x += context · Wproj + b
                Kernels.conv1D(out: x, inp: context.pointer, weight: layer.projectionWeight, bias: layer.projectionBias,
                               rows: T, inFeatures: C, outFeatures: C, accumulate: true)
                // x += act(LN2(x) · Wfc + b) · Wfcproj + b
                Kernels.layerNorm(out: normed, inp: x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: T, channels: C, eps: c.layerNormEps)
                Kernels.conv1D(out: inner.pointer, inp: normed, weight: layer.fcWeight, bias: layer.fcBias,
                               rows: T, inFeatures: C, outFeatures: I, activation: c.activation)
                Kernels.conv1D(out: x, inp: inner.pointer, weight: layer.fcProjectionWeight, bias: layer.fcProjectionBias,
                               rows: T, inFeatures: I, outFeatures: C, accumulate: true)
            }
            // logits = LNf(x) · wteᵀ, for the last row only unless all are asked for.
            let first = T - headRows
            Kernels.layerNorm(out: normed, inp: x + first * C, weight: w.finalNormWeight, bias: w.finalNormBias,
                              rows: headRows, channels: C, eps: c.layerNormEps)
            Kernels.linear(out: logitBuffer.pointer, inp: normed, weight: w.head, bias: nil,
                           rows: headRows, inFeatures: C, outFeatures: V)
        }
        logitRows = headRows
        length = start + T
    }
}
