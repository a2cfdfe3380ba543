import TihuaCompute

/// Choosing the keyword prefix from scored candidates.
public enum KeywordSelection {
    /// Maximal marginal relevance: repeatedly takes the candidate maximising
    /// `λ·relevance − (1−λ)·(highest similarity to one already taken)`, so
    /// that the prefix is not 明月/月明/明月夜. λ = 1 is plain top-k.
    /// `vectors` holds the candidates' unit vectors, row-major.
    public static func maximalMarginalRelevance(
        relevance: [Float], vectors: [Float], dimension: Int, k: Int, lambda: Float
    ) -> [Int] {
        precondition(vectors.count == relevance.count * dimension)
        var chosen: [Int] = []
        var redundancy = [Float](repeating: -.infinity, count: relevance.count)
        var available = Array(relevance.indices)
        vectors.withUnsafeBufferPointer { v in
            while chosen.count < min(k, relevance.count) {
                var best = available[0]
                var bestScore = -Float.infinity
                for i in available {
                    let penalty = chosen.isEmpty ? 0 : redundancy[i]
                    let score = lambda * relevance[i] - (1 - lambda) * penalty
                    if score > bestScore { (best, bestScore) = (i, score) }
                }
                chosen.append(best)
                available.removeAll { $0 == best }
                for i in available {
                    let s = VectorMath.dot(v.baseAddress! + i * dimension, v.baseAddress! + best * dimension, dimension)
                    redundancy[i] = max(redundancy[i], s)
                }
            }
        }
        return chosen
    }

    /// The generator prompt in the format the seed model was trained on.
    public static func prompt(keywords: [String]) -> String {
        "关键词：" + keywords.joined(separator: " ") + " [EOS]"
    }
}
