import TihuaCompute

/// The seeded, deterministic order of training batches. Examples are
/// grouped by length (so a batch pads little), each group shuffled and cut
/// into batches of at most `tokensPerBatch` tokens, and the batches of an
/// epoch shuffled; epoch e uses seed + e. The number of batches per epoch
/// does not depend on the seed, so step s always maps to the same batch:
/// a resumed run continues exactly where the checkpoint was taken.
package struct BatchPlan {
    let lengths: [Int]
    let tokensPerBatch: Int
    let seed: UInt64
    /// Example indices by length, in index order.
    private let groups: [(length: Int, members: [Int])]
    package let batchesPerEpoch: Int

    package init(lengths: [Int], tokensPerBatch: Int, seed: UInt64) {
        self.lengths = lengths
        self.tokensPerBatch = tokensPerBatch
        self.seed = seed
        let byLength = Dictionary(grouping: lengths.indices, by: { lengths[$0] })
        groups = byLength.keys.sorted().map { ($0, byLength[$0]!) }
        batchesPerEpoch = groups.reduce(0) { total, g in
            let perBatch = max(1, tokensPerBatch / g.length)
            return total + (g.members.count + perBatch - 1) / perBatch
        }
    }

    /// The batches of `epoch`, each a list of example indices.
    package func batches(epoch: Int) -> [[Int]] {
        var random = SeededRandom(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var out: [[Int]] = []
        out.reserveCapacity(batchesPerEpoch)
        for group in groups {
            var members = group.members
            members.shuffle(using: &random)
            let perBatch = max(1, tokensPerBatch / group.length)
            var i = 0
            while i < members.count {
                out.append(Array(members[i..<min(i + perBatch, members.count)]))
                i += perBatch
            }
        }
        out.shuffle(using: &random)
        return out
    }
}

extension [EncodedPoem] {
    /// tokens[B, T] right-padded with `pad`, and targets (−1 where nothing is predicted).
    package func batch(_ indices: [Int], pad: Int32) -> (tokens: [Int32], targets: [Int32], batch: Int, tokensEach: Int) {
        let T = indices.map { self[$0].ids.count }.max() ?? 0
        var tokens = [Int32](repeating: pad, count: indices.count * T)
        var targets = [Int32](repeating: -1, count: indices.count * T)
        for (b, i) in indices.enumerated() {
            let e = self[i]
            for t in 0..<e.ids.count {
                tokens[b * T + t] = e.ids[t]
                if t + 1 < e.ids.count && t + 1 >= e.poemStart { targets[b * T + t] = e.ids[t + 1] }
            }
        }
        return (tokens, targets, indices.count, T)
    }
}
