/// The query, key and value projections of one layer as a single nn.Linear
/// of [3C, C] (rows: Wq, then Wk, then Wv) with bias [3C], so that one sgemm
/// of N = 3C replaces three of N = C (a wider product runs closer to the
/// machine's sgemm peak). Built from the separate tensors when a tower is
/// loaded, never during a forward pass.
final class FusedQKV: @unchecked Sendable {  // written in init only, then read by forward passes
    let hidden: Int
    let weight: UnsafeMutablePointer<Float>  // [3C, C]
    let bias: UnsafeMutablePointer<Float>    // [3C]

    init(_ w: AttentionWeights, hidden c: Int) {
        hidden = c
        weight = .allocate(capacity: 3 * c * c)
        bias = .allocate(capacity: 3 * c)
        for (i, (wt, b)) in [(w.queryWeight, w.queryBias), (w.keyWeight, w.keyBias), (w.valueWeight, w.valueBias)].enumerated() {
            (weight + i * c * c).initialize(from: wt, count: c * c)
            (bias + i * c).initialize(from: b, count: c)
        }
    }

    deinit {
        weight.deallocate()
        bias.deallocate()
    }

    /// Fused projections for every layer.
    static func build(_ layers: [AttentionWeights], hidden: Int) -> [FusedQKV] {
        layers.map { FusedQKV($0, hidden: hidden) }
    }
}
