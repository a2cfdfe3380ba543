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
    /// The top-k selection, kept between picks.
    private var top: TopK?

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
        if topK > 0 && topK < logits.count {
            // TopK ranks by score, ties by lower row (token id): the order of the sort below.
            var best = top.take() ?? TopK(k: topK)
            best.removeAll()
            for i in logits.indices where logits[i] > -.infinity && logits[i] >= best.threshold { best.insert(logits[i], i) }
            for kept in best.sorted() { candidates.append(Int32(kept.row)) }
            top = best
        } else {
            for i in logits.indices where logits[i] > -.infinity { candidates.append(Int32(i)) }
            candidates.sort { a, b in logits[Int(a)] > logits[Int(b)] || (logits[Int(a)] == logits[Int(b)] && a < b) }
        }
        if candidates.isEmpty { return Self.argmax(logits) }

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
}
