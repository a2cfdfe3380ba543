import Foundation
import Testing
import TihuaCompute
@testable import TihuaModels

/// The sampler's top-k is the package's shared `TopK`: it must pick exactly
/// what the straightforward algorithm picks (sort every finite logit best
/// first, ties by lower id; keep k; softmax; top-p prefix; one uniform draw).
@Suite struct TokenSamplerTests {
    static func reference(_ logits: [Float], temperature: Float, topK: Int, topP: Float, random: inout SeededRandom) -> Int {
        let scaled = logits.map { $0 / temperature }
        var ids = scaled.indices.filter { scaled[$0] > -.infinity }
        ids.sort { scaled[$0] > scaled[$1] || (scaled[$0] == scaled[$1] && $0 < $1) }
        if topK > 0 { ids = Array(ids.prefix(topK)) }
        let top = Double(scaled[ids[0]])
        let weights = ids.map { exp(Double(scaled[$0]) - top) }
        let total = weights.reduce(0, +)
        var kept = ids.count, mass = 0.0
        if topP < 1 { for (i, w) in weights.enumerated() { mass += w; if mass >= Double(topP) * total { kept = i + 1; break } } }
        var u = random.nextUnit() * weights.prefix(kept).reduce(0, +)
        for i in 0..<kept { u -= weights[i]; if u < 0 { return ids[i] } }
        return ids[kept - 1]
    }

    @Test func topKPicksAsTheReference() {
        var data = SeededRandom(seed: 5)
        for trial in 0..<300 {
            // Coarse values so that ties are common; some tokens masked.
            var logits = (0..<500).map { _ in Float(Int(data.nextUnit() * 12)) / 2 }
            for i in 0..<500 where data.nextUnit() < 0.3 { logits[i] = -.infinity }
            let topK = [0, 1, 3, 8, 40, 499, 600][trial % 7]
            let topP: Float = [1, 0.9, 0.5][trial % 3]
            let temperature: Float = [1, 0.7][trial % 2]
            let options = GenerationOptions(strategy: .sample(temperature: temperature, topK: topK, topP: topP, seed: UInt64(trial)))
            var sampler = TokenSampler(vocabularySize: logits.count, options: options)
            var reference = SeededRandom(seed: UInt64(trial))
            for _ in 0..<3 {
                var copy = logits
                let picked = copy.withUnsafeMutableBufferPointer { sampler.pick(from: $0) }
                #expect(picked == Self.reference(logits, temperature: temperature, topK: topK, topP: topP, random: &reference),
                        "trial \(trial) (top-k \(topK), top-p \(topP))")
            }
        }
    }

    @Test func topKKeepsTheBestRowsTiesByLowerRow() {
        var top = TopK(k: 3)
        for (score, row) in [(1, 9), (3, 4), (3, 2), (2, 7), (3, 8), (0, 1)] as [(Float, Int)] { top.insert(score, row) }
        #expect(top.sorted().map(\.row) == [2, 4, 8])
        top.removeAll()
        top.insert(5, 1)
        #expect(top.sorted().map(\.row) == [1] && top.threshold == -.infinity)
    }
}
