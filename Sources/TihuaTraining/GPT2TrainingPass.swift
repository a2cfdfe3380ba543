import TihuaCompute
import TihuaModels

/// One batch through GPT-2 for training: the forward pass keeping every
/// activation the backward pass needs, the mean softmax cross-entropy over
/// the positions that have a target, and the backward pass into a gradient
/// buffer of the parameters' layout.
///
/// A batch is B sequences of T tokens (row b·T + t is token t of sequence
/// b), right-padded; `targets[r]` is the token that should follow row r, or
/// −1 where nothing is predicted (prompt, padding). Padding after the real
/// tokens cannot affect them (the attention is causal) and gets no gradient.
/// Buffers grow to the largest batch and are reused. Not thread-safe.
package final class GPT2TrainingPass {
    let layout: ParameterLayout
    var config: GPT2Config { layout.config }
    private var rowCapacity = 0, probCapacity = 0

    // Activations, per layer where it says [L].
    private var residual: [FloatBuffer] = []    // [L+1][N, C] input of layer l; [L] the last output
    private var middle: [FloatBuffer] = []      // [L][N, C] residual after attention
    private var ln1: [FloatBuffer] = [], ln2: [FloatBuffer] = []           // [L][N, C]
    private var ln1Stats: [FloatBuffer] = [], ln2Stats: [FloatBuffer] = [] // [L][2N] mean | rstd
    private var qkv: [FloatBuffer] = []         // [L][N, 3C]
    private var probs: [FloatBuffer] = []       // [L][B, H, T, T]
    private var context: [FloatBuffer] = []     // [L][N, C] attention output before c_proj
    private var fc: [FloatBuffer] = [], fcGelu: [FloatBuffer] = []         // [L][N, I]
    private var lnf = FloatBuffer(0), lnfStats = FloatBuffer(0)
    private var picked = FloatBuffer(0)         // [M, C] final-norm rows that have a target
    private var logits = FloatBuffer(0)         // [M, V]
    private var pickedRows: [Int] = [], pickedTargets: [Int32] = []
    // Gradient scratch.
    private var dx = FloatBuffer(0), dln = FloatBuffer(0), dqkv = FloatBuffer(0), dcontext = FloatBuffer(0)
    private var dfc = FloatBuffer(0), dfcGelu = FloatBuffer(0), dpicked = FloatBuffer(0)

    package init(layout: ParameterLayout) { self.layout = layout }

    private func ensureCapacity(rows N: Int, tokens T: Int, targets M: Int) {
        let c = config, C = c.hiddenSize, I = c.innerSize, L = c.layers
        if N > rowCapacity {
            rowCapacity = N
            residual = (0...L).map { _ in FloatBuffer(N * C) }
            middle = (0..<L).map { _ in FloatBuffer(N * C) }
            ln1 = (0..<L).map { _ in FloatBuffer(N * C) }
            ln2 = (0..<L).map { _ in FloatBuffer(N * C) }
            ln1Stats = (0..<L).map { _ in FloatBuffer(2 * N) }
            ln2Stats = (0..<L).map { _ in FloatBuffer(2 * N) }
            qkv = (0..<L).map { _ in FloatBuffer(N * 3 * C) }
            context = (0..<L).map { _ in FloatBuffer(N * C) }
            fc = (0..<L).map { _ in FloatBuffer(N * I) }
            fcGelu = (0..<L).map { _ in FloatBuffer(N * I) }
            lnf = FloatBuffer(N * C)
            lnfStats = FloatBuffer(2 * N)
            dx = FloatBuffer(N * C); dln = FloatBuffer(N * C); dcontext = FloatBuffer(N * C)
            dqkv = FloatBuffer(N * 3 * C); dfc = FloatBuffer(N * I); dfcGelu = FloatBuffer(N * I)
        }
        if N * T * c.heads > probCapacity {
            probCapacity = N * T * c.heads
            probs = (0..<L).map { _ in FloatBuffer(probCapacity) }
        }
        if M * C > picked.count {
            picked = FloatBuffer(M * C)
            dpicked = FloatBuffer(M * C)
        }
        if M * c.vocabSize > logits.count { logits = FloatBuffer(M * c.vocabSize) }
    }

    /// Σ loss and the number of targets of a batch, without gradients.
    package func loss(tokens: [Int32], targets: [Int32], batch B: Int, parameters: GPT2Parameters) throws -> (sum: Double, count: Int) {
        try run(tokens: tokens, targets: targets, batch: B, parameters: parameters, gradients: nil)
    }

    /// Σ loss and the number of targets; adds ∂(mean loss)/∂θ to `gradients`.
    @discardableResult
    package func run(tokens: [Int32], targets: [Int32], batch B: Int, parameters: GPT2Parameters,
             gradients: GPT2Parameters?) throws -> (sum: Double, count: Int) {
        let c = config, C = c.hiddenSize, V = c.vocabSize
        let N = tokens.count, T = B > 0 ? N / B : 0
        guard B > 0, T > 0, B * T == N, targets.count == N else {
            throw TrainingError(.badInput, "training batch: \(N) tokens and \(targets.count) targets for \(B) sequences")
        }
        guard T <= c.positions else {
            throw TrainingError(.badInput, "training batch: \(T) tokens exceed n_positions \(c.positions)")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= V }) ?? targets.first(where: { $0 < -1 || Int($0) >= V }) {
            throw TrainingError(.badInput, "training batch: token id \(bad) outside the vocabulary (\(V))")
        }
        pickedRows.removeAll(keepingCapacity: true)
        pickedTargets.removeAll(keepingCapacity: true)
        for r in 0..<N where targets[r] >= 0 { pickedRows.append(r); pickedTargets.append(targets[r]) }
        let M = pickedRows.count
        guard M > 0 else { return (0, 0) }
        ensureCapacity(rows: N, tokens: T, targets: M)

        let w = parameters.pointer
        forward(tokens: tokens, batch: B, tokensEach: T, weights: w)
        // logits[M, V] = picked[M, C] · wteᵀ
        let wte = w + layout.offset("wte.weight")
        BLAS.sgemm(m: M, n: V, k: C, a: picked.pointer, lda: C, b: wte, ldb: C, bTransposed: true, c: logits.pointer, ldc: V)
        let lossSum = pickedTargets.withUnsafeBufferPointer {
            TrainingKernels.crossEntropy(logits: logits.pointer, targets: $0.baseAddress!, rows: M, vocabulary: V,
                                         gradientScale: gradients == nil ? nil : 1 / Float(M))
        }
        if let gradients {
            backward(tokens: tokens, batch: B, tokensEach: T, targets: M, weights: w, gradients: gradients.pointer)
        }
        return (lossSum, M)
    }

    private func forward(tokens: [Int32], batch B: Int, tokensEach T: Int, weights w: UnsafeMutablePointer<Float>) {
        let c = config, C = c.hiddenSize, I = c.innerSize, N = B * T, eps = c.layerNormEps
        let wte = w + layout.offset("wte.weight"), wpe = w + layout.offset("wpe.weight")
        let x0 = residual[0].pointer
        TrainingKernels.forRows(N, width: C) { range in
            for r in range {
                let row = x0 + r * C, tok = wte + Int(tokens[r]) * C, pos = wpe + (r % T) * C
                for i in 0..<C { row[i] = tok[i] + pos[i] }
            }
        }
        for l in 0..<c.layers {
            let p = layout.layer(l, in: w)
            let x = residual[l].pointer, mid = middle[l].pointer
            TrainingKernels.layerNormForward(out: ln1[l].pointer, mean: ln1Stats[l].pointer, rstd: ln1Stats[l].pointer + N,
                                             inp: x, weight: p.ln1w, bias: p.ln1b, rows: N, channels: C, eps: eps)
            TrainingKernels.linearForward(out: qkv[l].pointer, inp: ln1[l].pointer, weight: p.attnW, bias: p.attnB,
                                          rows: N, inFeatures: C, outFeatures: 3 * C)
            TrainingKernels.attentionForward(out: context[l].pointer, probs: probs[l].pointer, qkv: qkv[l].pointer,
                                             batch: B, tokens: T, channels: C, heads: c.heads)
            mid.update(from: x, count: N * C)
            TrainingKernels.linearForward(out: mid, inp: context[l].pointer, weight: p.projW, bias: p.projB,
                                          rows: N, inFeatures: C, outFeatures: C, accumulate: true)
            TrainingKernels.layerNormForward(out: ln2[l].pointer, mean: ln2Stats[l].pointer, rstd: ln2Stats[l].pointer + N,
                                             inp: mid, weight: p.ln2w, bias: p.ln2b, rows: N, channels: C, eps: eps)
            TrainingKernels.linearForward(out: fc[l].pointer, inp: ln2[l].pointer, weight: p.fcW, bias: p.fcB,
                                          rows: N, inFeatures: C, outFeatures: I)
            TrainingKernels.geluForward(out: fcGelu[l].pointer, inp: fc[l].pointer, count: N * I)
            let out = residual[l + 1].pointer
            out.update(from: mid, count: N * C)
            TrainingKernels.linearForward(out: out, inp: fcGelu[l].pointer, weight: p.fcProjW, bias: p.fcProjB,
                                          rows: N, inFeatures: I, outFeatures: C, accumulate: true)
        }
        TrainingKernels.layerNormForward(out: lnf.pointer, mean: lnfStats.pointer, rstd: lnfStats.pointer + N,
                                         inp: residual[c.layers].pointer, weight: w + layout.offset("ln_f.weight"),
                                         bias: w + layout.offset("ln_f.bias"), rows: N, channels: C, eps: eps)
        for (i, r) in pickedRows.enumerated() { (picked.pointer + i * C).update(from: lnf.pointer + r * C, count: C) }
    }

    private func backward(tokens: [Int32], batch B: Int, tokensEach T: Int, targets M: Int,
                          weights w: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let c = config, C = c.hiddenSize, I = c.innerSize, V = c.vocabSize, N = B * T
        let wte = w + layout.offset("wte.weight"), dwte = g + layout.offset("wte.weight")
        // Tied head: dpicked[M, C] = dlogits · wte; dwte += dlogitsᵀ · picked.
        BLAS.sgemm(m: M, n: C, k: V, a: logits.pointer, lda: V, b: wte, ldb: C, bTransposed: false, c: dpicked.pointer, ldc: C)
        BLAS.sgemm(m: V, n: C, k: M, a: logits.pointer, lda: V, aTransposed: true, b: picked.pointer, ldb: C, bTransposed: false,
                   c: dwte, ldc: C, beta: 1)
        // The rows without a target get no gradient from the loss.
        dln.pointer.update(repeating: 0, count: N * C)
        for (i, r) in pickedRows.enumerated() { (dln.pointer + r * C).update(from: dpicked.pointer + i * C, count: C) }
        dx.pointer.update(repeating: 0, count: N * C)
        TrainingKernels.layerNormBackward(dinp: dx.pointer, dweight: g + layout.offset("ln_f.weight"), dbias: g + layout.offset("ln_f.bias"),
                                          dout: dln.pointer, inp: residual[c.layers].pointer, weight: w + layout.offset("ln_f.weight"),
                                          mean: lnfStats.pointer, rstd: lnfStats.pointer + N, rows: N, channels: C)
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let p = layout.layer(l, in: w), d = layout.layer(l, in: g)
            // x_{l+1} = mid + gelu(LN2(mid)·Wfc + b)·Wfcproj + b; dx holds ∂L/∂x_{l+1}.
            TrainingKernels.linearBackward(dinp: dfcGelu.pointer, dweight: d.fcProjW, dbias: d.fcProjB, dout: dx.pointer,
                                           inp: fcGelu[l].pointer, weight: p.fcProjW, rows: N, inFeatures: I, outFeatures: C)
            TrainingKernels.geluBackward(dinp: dfc.pointer, inp: fc[l].pointer, dout: dfcGelu.pointer, count: N * I)
            TrainingKernels.linearBackward(dinp: dln.pointer, dweight: d.fcW, dbias: d.fcB, dout: dfc.pointer,
                                           inp: ln2[l].pointer, weight: p.fcW, rows: N, inFeatures: C, outFeatures: I)
            TrainingKernels.layerNormBackward(dinp: dx.pointer, dweight: d.ln2w, dbias: d.ln2b, dout: dln.pointer,
                                              inp: middle[l].pointer, weight: p.ln2w, mean: ln2Stats[l].pointer,
                                              rstd: ln2Stats[l].pointer + N, rows: N, channels: C)
            // mid = x_l + attention(LN1(x_l))·Wproj + b; dx now holds ∂L/∂mid.
            TrainingKernels.linearBackward(dinp: dcontext.pointer, dweight: d.projW, dbias: d.projB, dout: dx.pointer,
                                           inp: context[l].pointer, weight: p.projW, rows: N, inFeatures: C, outFeatures: C)
            TrainingKernels.attentionBackward(dqkv: dqkv.pointer, dout: dcontext.pointer, probs: probs[l].pointer, qkv: qkv[l].pointer,
                                              batch: B, tokens: T, channels: C, heads: c.heads)
            TrainingKernels.linearBackward(dinp: dln.pointer, dweight: d.attnW, dbias: d.attnB, dout: dqkv.pointer,
                                           inp: ln1[l].pointer, weight: p.attnW, rows: N, inFeatures: C, outFeatures: 3 * C)
            TrainingKernels.layerNormBackward(dinp: dx.pointer, dweight: d.ln1w, dbias: d.ln1b, dout: dln.pointer,
                                              inp: residual[l].pointer, weight: p.ln1w, mean: ln1Stats[l].pointer,
                                              rstd: ln1Stats[l].pointer + N, rows: N, channels: C)
        }
        // x0 = wte[token] + wpe[position]: split by channels so repeated tokens add in row order.
        let dwpe = g + layout.offset("wpe.weight"), dxp = dx.pointer
        TrainingKernels.forColumns(C, rows: N) { cols in
            for r in 0..<N {
                let row = dxp + r * C, tok = dwte + Int(tokens[r]) * C, pos = dwpe + (r % T) * C
                for i in cols {
                    tok[i] += row[i]
                    pos[i] += row[i]
                }
            }
        }
    }
}
