/// The activations of one encoder forward pass over N = batch × tokens rows,
/// allocated once per pass and shared by its layers.
final class EncoderWorkspace {
    let batch: Int, tokens: Int, hidden: Int, heads: Int
    var rows: Int { batch * tokens }
    let x: FloatBuffer        // [N, C] the residual stream
    let normed: FloatBuffer   // [N, C] LayerNorm output / residual copy
    let qkv: FloatBuffer      // [N, 3C] queries | keys | values
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
        qkv = FloatBuffer(n * 3 * hidden)
        context = FloatBuffer(n * hidden)
        inner = FloatBuffer(n * intermediate)
        scores = FloatBuffer(AttentionShape(batch: batch, heads: heads, headDim: hidden / heads, queries: tokens, keys: tokens).scratchCount)
    }

    var attentionShape: AttentionShape {
        AttentionShape(batch: batch, heads: heads, headDim: hidden / heads, queries: tokens, keys: tokens)
    }

    /// context[N, C] = MultiHeadAttention(q, k, v) with
    /// q[N, C], k[N, C], v[N, C] = inp[N, C] · Wqᵀ + bq, · Wkᵀ + bk, · Wvᵀ + bv
    /// written side by side into qkv[N, 3C] (three sgemms straight from the
    /// weights in the map: no fused copy to build; `bench encode` measures
    /// one fused sgemm against these three)
    /// keyMask: nil or [B, T] additive.
    func selfAttention(_ w: AttentionWeights, input: UnsafePointer<Float>, keyMask: UnsafePointer<Float>?) {
        let n = rows, c = hidden, q = qkv.pointer
        for (i, (weight, bias)) in [(w.queryWeight, w.queryBias), (w.keyWeight, w.keyBias), (w.valueWeight, w.valueBias)].enumerated() {
            Kernels.linear(out: q + i * c, ldo: 3 * c, inp: input, weight: weight, bias: bias, rows: n, inFeatures: c, outFeatures: c)
        }
        let shape = attentionShape
        Kernels.attention(
            shape,
            AttentionOperands(q: q, ldq: 3 * c, k: q + c, ldk: 3 * c, v: q + 2 * c, ldv: 3 * c, out: context.pointer, ldo: c),
            scale: 1 / Float(shape.headDim).squareRoot(), keyMask: keyMask, scratch: scores.pointer)
    }
}
