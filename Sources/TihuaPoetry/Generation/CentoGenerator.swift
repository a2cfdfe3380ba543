import TihuaCompute
import TihuaModels

/// 集句: composes quatrains from lines of the corpus, no model needed.
///
/// Four distinct lines of one length (5 or 7 characters), lines 2 and 4
/// rhyming by the corpus's rhyme table, no two lines from the same poem,
/// drawn with a preference for lines that contain the prefix keywords and
/// lines of poems close to the query. Every line carries its source poem.
public struct CentoGenerator {
    /// A line that may be used, with what makes it attractive.
    public struct Line: Sendable {
        public let text: String
        public let source: LineSource
        /// How relevant its poem is to the query (e.g. CLIP similarity).
        public let poemScore: Float

        public init(text: String, source: LineSource, poemScore: Float) {
            self.text = text
            self.source = source
            self.poemScore = poemScore
        }
    }

    public let rhymes: RhymeTable

    public init(rhymes: RhymeTable) { self.rhymes = rhymes }

    /// Up to `count` distinct quatrains from `pool`, reproducible for a seed.
    public func compose(from pool: [Line], keywords: [String], count: Int, seed: UInt64) -> [GeneratedPoem] {
        var rng = SeededRandom(seed: seed)
        var results: [GeneratedPoem] = []
        var seen = Set<String>()
        let byLength = Dictionary(grouping: pool.filter { [5, 7].contains($0.text.count) }, by: { $0.text.count })
        // Prefer the length whose lines carry the keywords best.
        let lengths = byLength.keys.sorted { weightSum(byLength[$0]!, keywords) > weightSum(byLength[$1]!, keywords) }
        var attempts = 0
        while results.count < count && attempts < count * 40 {
            attempts += 1
            guard let length = lengths.isEmpty ? nil : lengths[attempts % 3 == 0 && lengths.count > 1 ? 1 : 0],
                  let lines = byLength[length], lines.count >= 4 else { break }
            let weights = lines.map { weight($0, keywords) }
            guard let poem = composeOne(lines, weights: weights, rng: &rng), seen.insert(poem.text).inserted else {
                continue
            }
            results.append(poem)
        }
        return results
    }

    private func composeOne(_ lines: [Line], weights: [Double], rng: inout SeededRandom) -> GeneratedPoem? {
        var chosen: [Int] = []
        func usable(_ i: Int) -> Bool {
            !chosen.contains { lines[$0].text == lines[i].text || lines[$0].source.id == lines[i].source.id }
        }
        for position in 0..<4 {
            var candidates = lines.indices.filter(usable)
            if position == 3, let second = lines[chosen[1]].text.last {
                candidates = candidates.filter { i in
                    lines[i].text.last.map { rhymes.rhymes($0, second) && $0 != second } ?? false
                }
                if candidates.isEmpty {
                    // Repeating the rhyme character is allowed when nothing else rhymes.
                    candidates = lines.indices.filter { usable($0) && lines[$0].text.last == second }
                }
            }
            guard let pick = rng.pick(candidates, weights: candidates.map { weights[$0] }) else { return nil }
            chosen.append(pick)
        }
        return GeneratedPoem(lines: chosen.map { GeneratedLine(text: lines[$0].text, source: lines[$0].source) })
    }

    /// Keyword hits count most; the poem's relevance breaks ties among the rest.
    private func weight(_ line: Line, _ keywords: [String]) -> Double {
        let hits = keywords.filter { line.text.contains($0) }.count
        return 1 + 4 * Double(hits) + Double(max(0, line.poemScore))
    }

    private func weightSum(_ lines: [Line], _ keywords: [String]) -> Double {
        lines.reduce(0) { $0 + weight($1, keywords) }
    }
}

extension SeededRandom {
    /// An element of `items` drawn with probability proportional to its weight.
    mutating func pick(_ items: [Int], weights: [Double]) -> Int? {
        let total = weights.reduce(0, +)
        guard !items.isEmpty, total > 0 else { return nil }
        var x = Double(next() >> 11) / Double(1 << 53) * total
        for (item, w) in zip(items, weights) {
            x -= w
            if x < 0 { return item }
        }
        return items.last
    }
}
