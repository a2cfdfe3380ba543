import TihuaCompute

/// The sizes of one multi-head attention call.
struct AttentionShape {
    var batch: Int
    var heads: Int
    var headDim: Int
    /// Query rows per sequence.
    var queries: Int
    /// Key/value rows per sequence.
    var keys: Int

    /// Scores scratch the kernel needs: one queries × keys block per core.
    var scratchCount: Int { Parallel.cores * queries * keys }

    /// Multiply-adds × 2 of QKᵀ and PV over the whole call.
    var flops: Double { 4 * Double(batch * heads) * Double(queries) * Double(keys) * Double(headDim) }
}

/// Where the operands of one attention call live. Head h of a row occupies
/// columns h·D ..< (h+1)·D; rows are `ld…` floats apart, and sequence b
/// starts `queries·ldq` (q, out) or `keys·ldk` (k, v) floats after sequence b−1
/// — or, for k and v, `kvStride` floats after it when given (KV caches of
/// several sequences in fixed-size slots, each filled to `keys` rows).
struct AttentionOperands {
    var q: UnsafePointer<Float>, ldq: Int
    var k: UnsafePointer<Float>, ldk: Int
    var v: UnsafePointer<Float>, ldv: Int
    var out: UnsafeMutablePointer<Float>, ldo: Int
    var kvStride: Int? = nil
}

extension Kernels {
    /// Scaled dot-product attention, one (sequence, head) pair at a time:
    ///   S[Tq, Tk] = scale · Q_h[Tq, D] · K_h[Tk, D]ᵀ + keyMask[b]   (one sgemm)
    ///   P = softmax over each row of S
    ///   out_h[Tq, D] = P · V_h[Tk, D]                               (one sgemm)
    /// keyMask: nil or [B, Tk] additive (0 to keep a key, a large negative
    /// number for padding). causal: query i sits at position Tk − Tq + i and
    /// sees only keys 0…that position (GPT-2 with a KV cache).
    /// The pairs run in parallel on the threads of a forward pass
    /// (`ComputeBudget`), each with single-threaded BLAS.
    static func attention(
        _ shape: AttentionShape, _ x: AttentionOperands, scale: Float,
        keyMask: UnsafePointer<Float>? = nil, causal: Bool = false,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let (tq, tk, d) = (shape.queries, shape.keys, shape.headDim)
        let pairs = shape.batch * shape.heads
        let parts = shape.flops >= 2e6 ? ComputeBudget.threadsPerPass : 1
        Parallel.forEachChunk(count: pairs, parts: parts) { chunk, range in
            let scores = scratch + chunk * tq * tk
            for pair in range {
                let b = pair / shape.heads, h = pair % shape.heads
                let q = x.q + b * tq * x.ldq + h * d
                let k = x.k + b * (x.kvStride ?? tk * x.ldk) + h * d
                let v = x.v + b * (x.kvStride ?? tk * x.ldv) + h * d
                let out = x.out + b * tq * x.ldo + h * d
                BLAS.sgemm(m: tq, n: tk, k: d, a: q, lda: x.ldq, b: k, ldb: x.ldk, bTransposed: true,
                           c: scores, ldc: tk, alpha: scale)
                for i in 0..<tq {
                    let row = scores + i * tk
                    if let keyMask {
                        let m = keyMask + b * tk
                        for j in 0..<tk { row[j] += m[j] }
                    }
                    if causal {
                        let visible = tk - tq + i + 1
                        softmax(row, count: visible)
                        for j in visible..<tk { row[j] = 0 }
                    } else {
                        softmax(row, count: tk)
                    }
                }
                BLAS.sgemm(m: tq, n: d, k: tk, a: scores, lda: tk, b: v, ldb: x.ldv, bTransposed: false,
                           c: out, ldc: x.ldo)
            }
        }
    }
}
