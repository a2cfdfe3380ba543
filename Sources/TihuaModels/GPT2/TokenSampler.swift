import TihuaCompute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks the next token from a row of logits: greedy, or sampled after
/// temperature, top-k and top-p with a seeded generator. Its buffers are
/// sized once for the vocabulary, so a pick allocates nothing.
struct TokenSampler {
    private let options: GenerationOptions
    private var random: SeededRandom
    private var candidates: [Int32]
    private var weights: [Double]

    init(vocabularySize: Int, options: GenerationOptions) {
        self.options = options
        if case .sample(_, _, _, let seed) = options.strategy {
            random = SeededRandom(seed: seed)
        } else {
            random = SeededRandom(seed: 0)
        }
        candidates = []
        candidates.reserveCapacity(vocabularySize)
        weights = []
        weights.reserveCapacity(vocabularySize)
    }

    /// The chosen token id. `logits` is modified (suppression, temperature).
    mutating func pick(from logits: UnsafeMutableBufferPointer<Float>) -> Int {
        for id in options.suppressedTokens where id >= 0 && id < logits.count { logits[id] = -.infinity }
        guard case .sample(let temperature, let topK, let topP, _) = options.strategy, temperature > 0 else {
            return Self.argmax(logits)
        }
        for i in logits.indices { logits[i] /= temperature }

        // Candidates best first (ties: lower id first), cut to top-k.
        candidates.removeAll(keepingCapacity: true)
        for i in logits.indices where logits[i] > -.infinity { candidates.append(Int32(i)) }
        if candidates.isEmpty { return Self.argmax(logits) }
        let better: (Int32, Int32) -> Bool = { a, b in
            logits[Int(a)] > logits[Int(b)] || (logits[Int(a)] == logits[Int(b)] && a < b)
        }
        if topK > 0 && topK < candidates.count {
            Self.keepBest(topK, of: &candidates, by: better)
        }
        candidates.sort(by: better)

        // Softmax over the candidates, then the smallest prefix whose mass reaches top-p.
        let maxLogit = Double(logits[Int(candidates[0])])
        weights.removeAll(keepingCapacity: true)
        var total = 0.0
        for id in candidates {
            let e = exp(Double(logits[Int(id)]) - maxLogit)
            weights.append(e)
            total += e
        }
        var kept = candidates.count
        if topP < 1 {
            var mass = 0.0
            for (i, wgt) in weights.enumerated() {
                mass += wgt
                if mass >= Double(topP) * total { kept = i + 1; break }
            }
        }
        var keptTotal = 0.0
        for i in 0..<kept { keptTotal += weights[i] }
        var u = random.nextUnit() * keptTotal
        for i in 0..<kept {
            u -= weights[i]
            if u < 0 { return Int(candidates[i]) }
        }
        return Int(candidates[kept - 1])
    }

    /// The first index of the largest value.
    static func argmax(_ x: UnsafeMutableBufferPointer<Float>) -> Int {
        var best = 0
        for i in x.indices where x[i] > x[best] { best = i }
        return best
    }

    /// Reorders `items` so that its first `k` are the best (in any order) and drops the rest:
    /// a size-k heap whose root is the worst kept, O(n log k).
    static func keepBest(_ k: Int, of items: inout [Int32], by better: (Int32, Int32) -> Bool) {
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var worst = i
                if l < k, better(items[worst], items[l]) { worst = l }
                if r < k, better(items[worst], items[r]) { worst = r }
                if worst == i { return }
                items.swapAt(i, worst)
                i = worst
            }
        }
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i) }
        for j in k..<items.count where better(items[j], items[0]) {
            items[0] = items[j]
            siftDown(0)
        }
        items.removeSubrange(k...)
    }
}
