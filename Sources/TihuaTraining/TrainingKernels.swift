import TihuaCompute
import TihuaModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Forward and backward passes of GPT-2's layers over flat row-major float
/// buffers (the style of llm.c): N rows (every token of a batch), C
/// channels, shapes written above each function. Gradients accumulate
/// (`+=`) into their buffers unless a function says it overwrites.
///
/// Matrix products are OpenBLAS sgemm with its own threads; the other loops
/// run on `Parallel` between sgemm calls, never during one, so the two
/// kinds of threads do not compete. Reductions over rows (bias, LayerNorm
/// and embedding gradients) are split by columns, so their summation order
/// and results do not depend on the number of cores.
enum TrainingKernels {
    typealias V = SIMD8<Float>
    static let parallelThreshold = 1 << 14

    static func forRows(_ rows: Int, width: Int, _ body: (Range<Int>) -> Void) {
        let parts = rows * width >= parallelThreshold ? Parallel.cores : 1
        Parallel.forEachChunk(count: rows, parts: parts) { _, range in body(range) }
    }

    static func forColumns(_ columns: Int, rows: Int, _ body: (Range<Int>) -> Void) {
        let parts = rows * columns >= parallelThreshold ? Parallel.cores : 1
        Parallel.forEachChunk(count: columns, parts: parts, minChunk: 16) { _, range in body(range) }
    }

    // MARK: Linear (GPT-2's Conv1D: weight [IC, OC])

    /// out[N, OC] = inp[N, IC] · weight[IC, OC] + bias[OC]
    /// (with `accumulate`, out += … instead: a residual connection)
    @_optimize(speed)
    static func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              bias: UnsafePointer<Float>, rows N: Int, inFeatures IC: Int, outFeatures OC: Int,
                              accumulate: Bool = false) {
        BLAS.sgemm(m: N, n: OC, k: IC, a: inp, lda: IC, b: weight, ldb: OC, bTransposed: false,
                   c: out, ldc: OC, beta: accumulate ? 1 : 0)
        forRows(N, width: OC) { range in
            for r in range {
                let o = out + r * OC
                for j in 0..<OC { o[j] += bias[j] }
            }
        }
    }

    /// dinp[N, IC] = dout[N, OC] · weight[IC, OC]ᵀ   (overwritten; skipped when nil)
    /// dweight[IC, OC] += inp[N, IC]ᵀ · dout[N, OC]
    /// dbias[OC] += Σ_rows dout
    @_optimize(speed)
    static func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                               dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                               inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               rows N: Int, inFeatures IC: Int, outFeatures OC: Int) {
        if let dinp {
            BLAS.sgemm(m: N, n: IC, k: OC, a: dout, lda: OC, b: weight, ldb: OC, bTransposed: true, c: dinp, ldc: IC)
        }
        BLAS.sgemm(m: IC, n: OC, k: N, a: inp, lda: IC, aTransposed: true, b: dout, ldb: OC, bTransposed: false,
                   c: dweight, ldc: OC, beta: 1)
        columnSums(dout, rows: N, columns: OC, into: dbias)
    }

    /// into[c] += Σ_r x[r, c]
    @_optimize(speed)
    static func columnSums(_ x: UnsafePointer<Float>, rows N: Int, columns C: Int, into out: UnsafeMutablePointer<Float>) {
        forColumns(C, rows: N) { cols in
            for r in 0..<N {
                let row = x + r * C
                for c in cols { out[c] += row[c] }
            }
        }
    }

    // MARK: LayerNorm

    /// out[N, C] = (inp − mean) · rstd · weight + bias; mean[N], rstd[N] kept for the backward pass.
    @_optimize(speed)
    static func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                                 inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                 rows N: Int, channels C: Int, eps: Float) {
        forRows(N, width: C) { range in
            for r in range {
                let x = inp + r * C, y = out + r * C
                let m = FastMath.sum(x, count: C) / Float(C)
                let s = 1 / sqrtf(FastMath.squaredDeviation(x, count: C, mean: m) / Float(C) + eps)
                for c in 0..<C { y[c] = (x[c] - m) * s * weight[c] + bias[c] }
                mean[r] = m
                rstd[r] = s
            }
        }
    }

    /// dinp[N, C] += ∂L/∂inp; dweight[C], dbias[C] += …  (dout: ∂L/∂out)
    @_optimize(speed)
    static func layerNormBackward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
                                  dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows N: Int, channels C: Int) {
        forRows(N, width: C) { range in
            for r in range {
                let x = inp + r * C, g = dout + r * C, d = dinp + r * C
                let m = mean[r], s = rstd[r]
                var meanG: Float = 0, meanGN: Float = 0
                for c in 0..<C {
                    let n = (x[c] - m) * s, gn = weight[c] * g[c]
                    meanG += gn
                    meanGN += gn * n
                }
                meanG /= Float(C)
                meanGN /= Float(C)
                for c in 0..<C {
                    let n = (x[c] - m) * s
                    d[c] += (weight[c] * g[c] - meanG - n * meanGN) * s
                }
            }
        }
        forColumns(C, rows: N) { cols in
            for r in 0..<N {
                let x = inp + r * C, g = dout + r * C, m = mean[r], s = rstd[r]
                for c in cols {
                    dweight[c] += (x[c] - m) * s * g[c]
                    dbias[c] += g[c]
                }
            }
        }
    }

    // MARK: gelu_new

    /// out = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) = x·σ(2u)
    @_optimize(speed)
    static func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        Parallel.forEachChunk(count: count, parts: count >= parallelThreshold ? Parallel.cores : 1, minChunk: 64) { _, range in
            (out + range.lowerBound).update(from: inp + range.lowerBound, count: range.count)
            FastMath.map(out + range.lowerBound, count: range.count, FastMath.geluTanh)
        }
    }

    /// dinp = dout · gelu′(x), with s = σ(2u): gelu′ = s + 2·x·s·(1 − s)·u′ (overwrites dinp)
    @_optimize(speed)
    static func geluBackward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>, count: Int) {
        @inline(__always) func derivative(_ x: V) -> V {
            let k0: Float = 0.797_884_560_802_865_4, k1: Float = 0.044715
            let x2 = x * x
            let u = k0 * (x + k1 * x2 * x)
            let s = 1 / (1 + FastMath.exp(-2 * u))
            return s + 2 * x * s * (1 - s) * (k0 * (1 + 3 * k1 * x2))
        }
        Parallel.forEachChunk(count: count, parts: count >= parallelThreshold ? Parallel.cores : 1, minChunk: 64) { _, range in
            var i = range.lowerBound
            let rx = UnsafeRawPointer(inp), rg = UnsafeRawPointer(dout), rd = UnsafeMutableRawPointer(dinp)
            while i + 8 <= range.upperBound {
                let x = rx.loadUnaligned(fromByteOffset: i * 4, as: V.self)
                let g = rg.loadUnaligned(fromByteOffset: i * 4, as: V.self)
                rd.storeBytes(of: g * derivative(x), toByteOffset: i * 4, as: V.self)
                i += 8
            }
            if i < range.upperBound {
                var x = V(), g = V()
                for j in 0..<(range.upperBound - i) { x[j] = inp[i + j]; g[j] = dout[i + j] }
                let y = g * derivative(x)
                for j in 0..<(range.upperBound - i) { dinp[i + j] = y[j] }
            }
        }
    }

    // MARK: Causal self-attention

    /// out[B, T, C] = softmax(q·kᵀ/√D, causal) · v per head, from qkv[B, T, 3C];
    /// probs[B, H, T, T] keeps each row's softmax (zeros after the diagonal).
    @_optimize(speed)
    static func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
                                 batch B: Int, tokens T: Int, channels C: Int, heads H: Int) {
        let D = C / H, scale = 1 / Float(D).squareRoot()
        let parts = B * H * T * T * D >= parallelThreshold ? Parallel.cores : 1
        Parallel.forEachChunk(count: B * H, parts: parts) { _, range in
            for pair in range {
                let b = pair / H, h = pair % H
                let base = qkv + b * T * 3 * C + h * D
                for t in 0..<T {
                    let q = base + t * 3 * C
                    let p = probs + (pair * T + t) * T
                    var maxScore = -Float.infinity
                    for j in 0...t {
                        let s = VectorMath.dot(q, base + j * 3 * C + C, D) * scale
                        p[j] = s
                        if s > maxScore { maxScore = s }
                    }
                    for j in 0...t { p[j] -= maxScore }
                    FastMath.map(p, count: t + 1, FastMath.exp)
                    let inv = 1 / FastMath.sum(p, count: t + 1)
                    for j in 0...t { p[j] *= inv }
                    for j in (t + 1)..<T { p[j] = 0 }
                    let o = out + (b * T + t) * C + h * D
                    o.update(repeating: 0, count: D)
                    for j in 0...t { axpy(p[j], base + j * 3 * C + 2 * C, o, D) }
                }
            }
        }
    }

    /// dqkv[B, T, 3C] (overwritten) from dout[B, T, C]:
    ///   dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = dS·K/√D, dK = dSᵀ·Q/√D
    @_optimize(speed)
    static func attentionBackward(dqkv: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                  qkv: UnsafePointer<Float>, batch B: Int, tokens T: Int, channels C: Int, heads H: Int) {
        let D = C / H, scale = 1 / Float(D).squareRoot()
        dqkv.update(repeating: 0, count: B * T * 3 * C)
        let parts = B * H * T * T * D >= parallelThreshold ? Parallel.cores : 1
        Parallel.forEachChunk(count: B * H, parts: parts) { _, range in
            let dp = UnsafeMutablePointer<Float>.allocate(capacity: max(T, 1))
            defer { dp.deallocate() }
            for pair in range {
                let b = pair / H, h = pair % H
                let base = qkv + b * T * 3 * C + h * D
                let dbase = dqkv + b * T * 3 * C + h * D
                for t in 0..<T {
                    let p = probs + (pair * T + t) * T
                    let g = dout + (b * T + t) * C + h * D
                    var weighted: Float = 0
                    for j in 0...t {
                        dp[j] = VectorMath.dot(g, base + j * 3 * C + 2 * C, D)
                        weighted += p[j] * dp[j]
                        axpy(p[j], g, dbase + j * 3 * C + 2 * C, D)              // dV_j += P_tj · dO_t
                    }
                    let q = base + t * 3 * C, dq = dbase + t * 3 * C
                    for j in 0...t {
                        let ds = p[j] * (dp[j] - weighted) * scale
                        axpy(ds, base + j * 3 * C + C, dq, D)                    // dQ_t += dS_tj · K_j
                        axpy(ds, q, dbase + j * 3 * C + C, D)                    // dK_j += dS_tj · Q_t
                    }
                }
            }
        }
    }

    /// y[n] += a · x[n]
    @inline(__always) @_optimize(speed)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        while i + 8 <= n {
            let v = ry.loadUnaligned(fromByteOffset: i * 4, as: V.self) + a * rx.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            ry.storeBytes(of: v, toByteOffset: i * 4, as: V.self)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    // MARK: Softmax cross-entropy

    /// For rows[M, V] of logits and their targets: returns Σ −log softmax(row)[target]
    /// (in Double, summed in a fixed order). With `gradientScale`, each row is
    /// replaced by ∂(scale · Σ loss)/∂logits = scale · (softmax − onehot).
    @_optimize(speed)
    static func crossEntropy(logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows M: Int, vocabulary V: Int,
                             gradientScale: Float?) -> Double {
        let chunks = M * V >= parallelThreshold ? Parallel.cores : 1
        let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        Parallel.forEachChunk(count: M, parts: chunks) { chunk, range in
            var sum = 0.0
            for r in range {
                let row = logits + r * V, target = Int(targets[r])
                var maxLogit = -Float.infinity
                for j in 0..<V where row[j] > maxLogit { maxLogit = row[j] }
                let shiftedTarget = row[target] - maxLogit
                for j in 0..<V { row[j] -= maxLogit }
                FastMath.map(row, count: V, FastMath.exp)
                let total = FastMath.sum(row, count: V)
                sum += Double(logf(total) - shiftedTarget)
                if let scale = gradientScale {
                    let factor = scale / total
                    for j in 0..<V { row[j] *= factor }
                    row[target] -= scale
                }
            }
            partial[chunk] = sum
        }
        return partial.reduce(0, +)
    }
}
