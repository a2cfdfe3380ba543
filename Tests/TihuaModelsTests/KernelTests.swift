import Foundation
import TihuaCompute
import Testing
@testable import TihuaModels

/// The kernels against straightforward scalar definitions (Foundation's
/// libm, naive loops), with the tolerances stated per test.
@Suite struct KernelTests {
    static func map(_ xs: [Float], _ f: (FastMath.V) -> FastMath.V) -> [Float] {
        var ys = xs
        ys.withUnsafeMutableBufferPointer { FastMath.map($0.baseAddress!, count: $0.count, f) }
        return ys
    }

    static let grid: [Float] = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) }

    /// exp: relative error ≤ 3e-7 (about 2 ulp) over [−87, 88].
    @Test func expMatchesLibm() {
        let ys = Self.map(Self.grid, FastMath.exp)
        var worst: Double = 0
        for (x, y) in zip(Self.grid, ys) {
            let truth = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(y) - truth) / truth)
        }
        #expect(worst <= 3e-7, "worst relative error \(worst)")
    }

    @Test func expLimits() {
        let ys = Self.map([-Float.greatestFiniteMagnitude, -.infinity, -88, 0, 89, .infinity], FastMath.exp)
        #expect(ys == [0, 0, 0, 1, .infinity, .infinity])
    }

    /// erf: absolute error ≤ 5e-7 (the approximation's 1.5e-7 plus float
    /// rounding of its terms; 2–3 ulp of GELU's output).
    @Test func erfMatchesLibm() {
        let xs: [Float] = stride(from: -6.0, through: 6.0, by: 0.001).map { Float($0) }
        let ys = Self.map(xs, FastMath.erf)
        let worst = zip(xs, ys).map { abs(Double($1) - Foundation.erf(Double($0))) }.max()!
        #expect(worst <= 5e-7, "worst absolute error \(worst)")
    }

    /// The three activations against their textbook formulas in Double: ≤ 1e-6 absolute on [−10, 10].
    @Test func activationsMatchDefinitions() {
        let xs: [Float] = stride(from: -10.0, through: 10.0, by: 0.01).map { Float($0) }
        let cases: [(Activation, (Double) -> Double)] = [
            (.gelu, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            (.geluTanh, { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }),
            (.quickGELU, { $0 / (1 + Foundation.exp(-1.702 * $0)) }),
        ]
        for (activation, truth) in cases {
            var ys = xs
            ys.withUnsafeMutableBufferPointer { Kernels.activate($0.baseAddress!, count: $0.count, activation) }
            let worst = zip(xs, ys).map { abs(Double($1) - truth(Double($0))) }.max()!
            #expect(worst <= 1e-6, "\(activation): worst absolute error \(worst)")
        }
    }

    @Test func softmaxOfMaskedEntriesIsExactlyZero() {
        var xs: [Float] = [1, 2, -Float.greatestFiniteMagnitude, 3, -.infinity, 0.5, 0.25, 0, 1, 2, 3]
        xs.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, count: $0.count) }
        #expect(xs[2] == 0 && xs[4] == 0)
        #expect(abs(xs.reduce(0, +) - 1) < 1e-6)
        #expect(abs(xs[3] / xs[0] - Float(Foundation.exp(2.0))) < 1e-5)
    }

    @Test func layerNormMatchesDefinition() {
        var random = SeededRandom(seed: 3)
        let rows = 3, c = 37
        let x = (0..<(rows * c)).map { _ in Float(random.nextUnit() * 4 - 2) }
        let w = (0..<c).map { _ in Float(random.nextUnit() + 0.5) }, b = (0..<c).map { _ in Float(random.nextUnit() - 0.5) }
        var y = [Float](repeating: 0, count: rows * c)
        y.withUnsafeMutableBufferPointer { out in
            Kernels.layerNorm(out: out.baseAddress!, inp: x, weight: w, bias: b, rows: rows, channels: c, eps: 1e-5)
        }
        for r in 0..<rows {
            let row = x[(r * c)..<((r + 1) * c)].map(Double.init)
            let mean = row.reduce(0, +) / Double(c)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
            for i in 0..<c {
                let truth = (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(w[i]) + Double(b[i])
                #expect(abs(Double(y[r * c + i]) - truth) < 1e-5)
            }
        }
    }

    /// Multi-head attention (2 sequences, 3 heads, padding mask; and causal
    /// with a cache) against a naive triple loop in Double: ≤ 1e-5.
    @Test(arguments: [false, true])
    func attentionMatchesNaiveLoops(causal: Bool) {
        var random = SeededRandom(seed: causal ? 11 : 12)
        let B = causal ? 1 : 2, H = 3, D = 5, C = H * D
        let tq = causal ? 4 : 6, tk = 6
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in Float(random.nextUnit() * 2 - 1) } }
        let q = values(B * tq * C), k = values(B * tk * C), v = values(B * tk * C)
        var mask = [Float](repeating: 0, count: B * tk)
        if !causal { for j in 4..<tk { mask[tk + j] = -Float.greatestFiniteMagnitude } }  // sequence 1 has 4 keys
        var out = [Float](repeating: 0, count: B * tq * C)
        let shape = AttentionShape(batch: B, heads: H, headDim: D, queries: tq, keys: tk)
        var scratch = [Float](repeating: 0, count: shape.scratchCount)
        let scale: Float = 0.37
        q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
            out.withUnsafeMutableBufferPointer { op in scratch.withUnsafeMutableBufferPointer { sp in
                mask.withUnsafeBufferPointer { mp in
                    Kernels.attention(shape, AttentionOperands(q: qp.baseAddress!, ldq: C, k: kp.baseAddress!, ldk: C,
                                                               v: vp.baseAddress!, ldv: C, out: op.baseAddress!, ldo: C),
                                      scale: scale, keyMask: causal ? nil : mp.baseAddress!, causal: causal, scratch: sp.baseAddress!)
                }
            } }
        } } }
        var worst: Double = 0
        for b in 0..<B { for h in 0..<H { for i in 0..<tq {
            let visible = causal ? tk - tq + i + 1 : (b == 1 ? 4 : tk)
            var scores = (0..<visible).map { j in
                (0..<D).reduce(0.0) { $0 + Double(q[(b * tq + i) * C + h * D + $1]) * Double(k[(b * tk + j) * C + h * D + $1]) } * Double(scale)
            }
            let m = scores.max()!
            scores = scores.map { Foundation.exp($0 - m) }
            let total = scores.reduce(0, +)
            for d in 0..<D {
                let truth = (0..<visible).reduce(0.0) { $0 + scores[$1] / total * Double(v[(b * tk + $1) * C + h * D + d]) }
                worst = max(worst, abs(truth - Double(out[(b * tq + i) * C + h * D + d])))
            }
        } } }
        #expect(worst <= 1e-5, "worst absolute error \(worst)")
    }

    /// The shared top-k heap keeps exactly the k best of a full sort, best first (ties to the lower id).
    @Test func topKSelectionAgreesWithSorting() {
        var random = SeededRandom(seed: 5)
        for k in [1, 2, 7, 40, 99] {
            let logits = (0..<300).map { _ in Float(Int(random.next() % 50)) }  // many ties
            var top = TopK(k: k)
            for (i, x) in logits.enumerated() { top.insert(x, i) }
            let expected = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(k)
            #expect(top.sorted().map(\.row) == Array(expected), "k = \(k)")
        }
    }

    @Test func halfFloatConversion() {
        #expect(Half.toFloat(0x0000) == 0)
        #expect(Half.toFloat(0x8000).sign == .minus)
        #expect(Half.toFloat(0x7BFF) == 65504)
        #expect(Half.toFloat(0x0400) == 0x1p-14)
        #expect(Half.toFloat(0x03FF) == Float(1023) * 0x1p-24)
        #expect(Half.toFloat(0x7E00).isNaN)
    }

    /// FLOPs of ViT-B/16 at 224, counted by hand: per layer 4·197·768² (q, k, v,
    /// out) + 2·197·768·3072 (MLP) + 2·197²·768 (QKᵀ, PV); 12 layers; the patch
    /// embedding 196·768·768 and the projection 768·512: 17.56 G multiply-adds
    /// (the published "17.6 GFLOPs"), 2 FLOPs each.
    @Test func visionFLOPsOfViTB16() {
        let perLayer = 4 * 197 * 768 * 768 + 2 * 197 * 768 * 3072 + 2 * 197 * 197 * 768
        let macs = 12 * perLayer + 196 * 768 * 768 + 768 * 512
        #expect(macs == 17_563_453_440)
        #expect(ModelFLOPs.visionPerImage(.base) == 2 * Double(macs))
    }
}
