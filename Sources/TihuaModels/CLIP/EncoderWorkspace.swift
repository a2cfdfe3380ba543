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
    /// [q | k | v][N, 3C] = inp[N, C] · [Wq; Wk; Wv]ᵀ + [bq; bk; bv]   (one sgemm)
    /// keyMask: nil or [B, T] additive.
    func selfAttention(_ projection: FusedQKV, input: UnsafePointer<Float>, keyMask: UnsafePointer<Float>?) {
        let n = rows, c = hidden, q = qkv.pointer
        Kernels.linear(out: q, inp: input, weight: projection.weight, bias: projection.bias, rows: n, inFeatures: c, outFeatures: 3 * c)
        let shape = attentionShape
        Kernels.attention(
            shape,
            AttentionOperands(q: q, ldq: 3 * c, k: q + c, ldk: 3 * c, v: q + 2 * c, ldv: 3 * c, out: context.pointer, ldo: c),
            scale: 1 / Float(shape.headDim).squareRoot(), keyMask: keyMask, scratch: scores.pointer)
    }
}
