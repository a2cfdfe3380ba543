import TihuaCompute

extension Kernels {
    /// nn.Linear over all rows at once (one sgemm), then bias and activation
    /// in one pass:
    ///   out[N, OC] = act(inp[N, IC] · weight[OC, IC]ᵀ + bias[OC])
    /// With `accumulate`, out[N, OC] += inp · weightᵀ + bias instead: a
    /// residual connection without a separate add (no activation then).
    static func linear(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, inFeatures: Int, outFeatures: Int,
        activation: Activation? = nil, accumulate: Bool = false
    ) {
        affine(out: out, inp: inp, weight: weight, weightIsOutByIn: true, bias: bias,
               rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, activation: activation, accumulate: accumulate)
    }

    /// nn.Linear into a column block of a wider buffer, whose rows are `ldo` floats apart:
    ///   out[N, OC] (row stride ldo) = inp[N, IC] · weight[OC, IC]ᵀ + bias[OC]
    static func linear(
        out: UnsafeMutablePointer<Float>, ldo: Int, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        BLAS.sgemm(m: rows, n: outFeatures, k: inFeatures,
                   a: inp, lda: inFeatures, b: weight, ldb: inFeatures, bTransposed: true,
                   c: out, ldc: ldo)
        forEachRowRange(rows: rows, width: outFeatures) { range in
            for r in range {
                let row = out + r * ldo
                for c in 0..<outFeatures { row[c] += bias[c] }
            }
        }
    }

    /// GPT-2's Conv1D, whose weight is stored transposed against nn.Linear:
    ///   out[N, OC] = act(inp[N, IC] · weight[IC, OC] + bias[OC])   (+= with `accumulate`)
    static func conv1D(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, inFeatures: Int, outFeatures: Int,
        activation: Activation? = nil, accumulate: Bool = false
    ) {
        affine(out: out, inp: inp, weight: weight, weightIsOutByIn: false, bias: bias,
               rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, activation: activation, accumulate: accumulate)
    }

    /// One sgemm with the weight as [OC, IC] (nn.Linear) or [IC, OC] (Conv1D), then bias and activation.
    private static func affine(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, weightIsOutByIn: Bool, bias: UnsafePointer<Float>?,
        rows: Int, inFeatures: Int, outFeatures: Int, activation: Activation?, accumulate: Bool
    ) {
        precondition(!(accumulate && activation != nil), "a residual add takes no activation")
        BLAS.sgemm(m: rows, n: outFeatures, k: inFeatures,
                   a: inp, lda: inFeatures, b: weight, ldb: weightIsOutByIn ? inFeatures : outFeatures, bTransposed: weightIsOutByIn,
                   c: out, ldc: outFeatures, beta: accumulate ? 1 : 0, threads: ComputeBudget.threadsPerPass)
        biasActivation(out, bias: bias, rows: rows, channels: outFeatures, activation: activation)
    }

    /// x[N, C] ← act(x + bias[C]); either part may be absent.
    @_optimize(speed)
    static func biasActivation(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, channels: Int, activation: Activation?
    ) {
        if bias == nil && activation == nil { return }
        forEachRowRange(rows: rows, width: channels) { range in
            for r in range {
                let row = x + r * channels
                if let bias { for c in 0..<channels { row[c] += bias[c] } }
                if let activation { activate(row, count: channels, activation) }
            }
        }
    }
}
