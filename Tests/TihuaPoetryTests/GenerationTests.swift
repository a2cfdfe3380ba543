import Foundation
import Testing
import TihuaModels
@testable import TihuaPoetry

@Suite(.serialized) struct GenerationTests {
    let sample = SampleIndex.shared

    @Test func centoPoemsAreWellFormedRhymeAndQuoteTheCorpus() throws {
        let writer = PoemWriter(poetry: PoetryIndex(index: sample.index), clip: sample.clip)
        let query = try sample.imageEmbedding(Samples.images[2])
        let rhymes = try RhymeTable.stored(in: sample.index)
        for seed: UInt64 in [0, 1, 2] {
            let result = try writer.write(for: query, generator: .cento, seed: seed)
            let poem = try #require(result.poem)
            #expect(poem.isWellFormed())
            #expect(result.keywords.count == 8)
            #expect(Set(poem.lines.map(\.text)).count == 4)
            #expect(rhymes.rhymes(poem.lines[1].text.last!, poem.lines[3].text.last!))
            for line in poem.lines {
                let source = try #require(line.source)
                let original = try #require(sample.poems.first { $0.id == source.id })
                #expect(original.lines.contains(line.text), "\(line.text) is not a line of \(source.id)")
                #expect(source.title == original.title && source.author == original.author)
            }
        }
        let again = try writer.write(for: query, generator: .cento, seed: 1)
        #expect(try writer.write(for: query, generator: .cento, seed: 1).poem == again.poem)
    }

    @Test func rerankDropsMalformedCandidatesAndOrdersByCLIP() throws {
        let line = { (t: String) in GeneratedLine(text: t, source: nil) }
        let good1 = GeneratedPoem(lines: ["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼"].map(line))
        let good2 = GeneratedPoem(lines: ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"].map(line))
        let malformed = [
            GeneratedPoem(lines: ["白日依山尽", "黄河入海流", "欲穷千里目"].map(line)),             // three lines
            GeneratedPoem(lines: ["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼了"].map(line)), // unequal
            GeneratedPoem(lines: ["白日依山", "黄河入海", "欲穷千里", "更上一层"].map(line)),           // four characters
            GeneratedPoem(lines: ["white", "river", "sea", "tower"].map(line)),                  // not CJK
        ]
        let query = try sample.imageEmbedding(Samples.images[0])
        let ranked = try Reranker(clip: sample.clip).rank(malformed + [good1, good2], query: query)
        #expect(ranked.count == 2)
        let scores = try sample.clip.encodeTexts([good1.text, good2.text])
        let expected = (0..<2).map { i in zip(scores.row(i), query).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        #expect(ranked.map(\.lines) == (expected[0] >= expected[1] ? [good1.lines, good2.lines] : [good2.lines, good1.lines]))
        #expect(abs(ranked[0].score! - expected.max()!) < 1e-5)
    }

    @Test func rhymeTablesCountEvenLineEndings() throws {
        var table = RhymeTable()
        table.add(lines: ["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼"])
        table.add(lines: ["一二三四五", "六七八九流", "一二三四五", "六七八九楼"])
        table.add(lines: ["短", "句"])  // ignored: not a quatrain
        #expect(table.pairs[RhymeTable.Pair(Character("流"), Character("楼"))] == 2)
        #expect(table.rhymes("楼", "流") && table.rhymes("流", "流") && !table.rhymes("流", "目"))
        let decoded = table.encoded().withUnsafeBytes { RhymeTable(encoded: $0) }
        #expect(decoded == table)
    }

    @Test func maximalMarginalRelevanceAvoidsNearDuplicates() {
        // Two nearly identical vectors (0, 1) and a distinct one (2).
        let vectors: [Float] = [1, 0, 0.999, 0.0447, 0.6, 0.8]
        let relevance: [Float] = [0.9, 0.89, 0.7]
        #expect(KeywordSelection.maximalMarginalRelevance(relevance: relevance, vectors: vectors, dimension: 2, k: 2, lambda: 1) == [0, 1])
        #expect(KeywordSelection.maximalMarginalRelevance(relevance: relevance, vectors: vectors, dimension: 2, k: 2, lambda: 0.5) == [0, 2])
    }
}
