/// The activations of one encoder forward pass over N = batch × tokens rows,
/// allocated once per pass and shared by its layers.
final class EncoderWorkspace {
    let batch: Int, tokens: Int, hidden: Int, heads: Int
    var rows: Int { batch * tokens }
    let x: FloatBuffer        // [N, C] the residual stream
    let normed: FloatBuffer   // [N, C] LayerNorm output / residual copy
    let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer  // [N, C]
    let context: FloatBuffer  // [N, C] attention output
    let inner: FloatBuffer    // [N, I] MLP activations
    let scores: FloatBuffer   // attention scratch

    init(batch: Int, tokens: Int, hidden: Int, heads: Int, intermediate: Int) {
        self.batch = batch
        self.tokens = tokens
        self.hidden = hidden
        self.heads = heads
        let n = batch * tokens
        x = FloatBuffer(n * hidden)
        normed = FloatBuffer(n * hidden)
        q = FloatBuffer(n * hidden)
        k = FloatBuffer(n * hidden)
        v = FloatBuffer(n * hidden)
        context = FloatBuffer(n * hidden)
        inner = FloatBuffer(n * intermediate)
        scores = FloatBuffer(AttentionShape(batch: batch, heads: heads, headDim: hidden / heads, queries: tokens, keys: tokens).scratchCount)
    }

    var attentionShape: AttentionShape {
        AttentionShape(batch: batch, heads: heads, headDim: hidden / heads, queries: tokens, keys: tokens)
    }

    /// context[N, C] = MultiHeadAttention(q = inp·Wqᵀ + bq, k = …, v = …)
    /// keyMask: nil or [B, T] additive.
    func selfAttention(_ w: AttentionWeights, input: UnsafePointer<Float>, keyMask: UnsafePointer<Float>?) {
        let n = rows, c = hidden
        Kernels.linear(out: q.pointer, inp: input, weight: w.queryWeight, bias: w.queryBias, rows: n, inFeatures: c, outFeatures: c)
        Kernels.linear(out: k.pointer, inp: input, weight: w.keyWeight, bias: w.keyBias, rows: n, inFeatures: c, outFeatures: c)
        Kernels.linear(out: v.pointer, inp: input, weight: w.valueWeight, bias: w.valueBias, rows: n, inFeatures: c, outFeatures: c)
        let shape = attentionShape
        Kernels.attention(
            shape,
            AttentionOperands(q: q.pointer, ldq: c, k: k.pointer, ldk: c, v: v.pointer, ldv: c, out: context.pointer, ldo: c),
            scale: 1 / Float(shape.headDim).squareRoot(), keyMask: keyMask, scratch: scores.pointer)
    }
}
