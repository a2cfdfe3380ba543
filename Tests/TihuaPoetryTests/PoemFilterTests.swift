import Foundation
import Testing
import TihuaModels
import TihuaSearch
import TihuaStore
@testable import TihuaPoetry

/// Metadata filters, phrase search with a vector query, hybrid ranking and
/// normalised text queries, on the bundled Tang file and CCPC poems embedded
/// with the tiny CLIP model.
@Suite(.serialized) struct PoemFilterTests {
    final class Corpus: @unchecked Sendable {
        static let shared = try! Corpus()
        let dir = Scratch()
        let index: TihuaIndex
        let clip: CLIPModel
        /// Every stored poem with its vector, in corpus order.
        let poems: [(poem: Poem, vector: [Float])]

        init() throws {
            index = try TihuaIndex(path: dir.path + "/idx", create: true)
            let ccpc = try String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
                .split(separator: "\n").prefix(400).joined(separator: "\n")
            let ccpcFile = dir.write("ccpc_test_v1.0.json", ccpc)
            _ = try PoemImport(paths: [Samples.root + "/chinese-poetry/poet.tang.0.json", ccpcFile]).run(into: index)
            let keywords = try String(contentsOfFile: Samples.root + "/ccpc/keywords.txt", encoding: .utf8)
                .split(separator: "\n").prefix(200).joined(separator: "\n")
            _ = try KeywordImport(path: dir.write("keywords.txt", keywords)).run(into: index)
            clip = try CLIPModel(folder: Samples.clipFolder)
            _ = try EmbedJob(index: index, model: clip, modelFolder: Samples.clipFolder).run()
            let c = try index.collection(BuiltinCollection.poems)!
            poems = try index.read { txn in
                let s = try txn.snapshot(c)
                var out: [(Poem, [Float])] = []
                try s.forEachRecord { record in
                    out.append((try JSONDecoder().decode(Poem.self, from: Data(record.document)), try s.vector(row: record.vectorRow!)))
                    return true
                }
                return out
            }
        }

        func embed(_ text: String) throws -> [Float] { Array(try clip.encodeTexts([text]).row(0)) }
    }

    var corpus: Corpus { Corpus.shared }
    var poetry: PoetryIndex { PoetryIndex(index: corpus.index) }

    /// Brute force over the poems passing `keep`: ids best first (ties in corpus order).
    func bruteForce(_ query: [Float], k: Int, _ keep: (Poem) -> Bool) -> [String] {
        let scored = corpus.poems.enumerated().filter { keep($0.element.poem) }.map { i, p in
            (i, p.poem.id, zip(query, p.vector).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
        }
        return scored.sorted { $0.2 > $1.2 || ($0.2 == $1.2 && $0.0 < $1.0) }.prefix(k).map(\.1)
    }

    func ids(_ query: PoemQuery) throws -> [String] { try poetry.poems(query).map(\.id) }

    @Test func filteredVectorSearchEqualsBruteForceOverThePassingPoems() throws {
        let query = try corpus.embed("明月松间照")
        let cases: [(PoemFilter, (Poem) -> Bool)] = [
            (PoemFilter(dynasties: ["tang"]), { $0.dynasty == "Tang" }),
            (PoemFilter(dynasties: ["Song", "Sui"]), { ["Song", "Sui"].contains($0.dynasty) }),
            (PoemFilter(author: "魏征"), { $0.author == "魏徵" }),  // simplified name, traditional poems
            (PoemFilter(form: .fiveByFour), { $0.form == .fiveByFour }),
            (PoemFilter(dynasties: ["Tang"], form: .sevenByFour), { $0.dynasty == "Tang" && $0.form == .sevenByFour }),
            (PoemFilter(titleContains: "帝京"), { $0.normalizedTitle?.contains("帝京") == true }),
            (PoemFilter(titleContains: "春"), { $0.normalizedTitle?.contains("春") == true }),
        ]
        for (filter, keep) in cases {
            let expected = bruteForce(query, k: 10, keep)
            #expect(!expected.isEmpty)
            for method in [SearchMethod.exact, .automatic] {
                #expect(try ids(PoemQuery(vector: query, model: corpus.clip.identity, filter: filter, method: method)) == expected)
            }
        }
    }

    @Test func filtersThatMatchNothingGiveAnEmptyResult() throws {
        let query = try corpus.embed("明月")
        for filter in [PoemFilter(dynasties: ["Qing"]), PoemFilter(author: "无此人"), PoemFilter(titleContains: "电脑"),
                       PoemFilter(dynasties: ["Tang"], author: "李世民")] {
            #expect(try ids(PoemQuery(vector: query, filter: filter)).isEmpty)
            #expect(try ids(PoemQuery(filter: filter)).isEmpty)
            #expect(try ids(PoemQuery(contains: "明月", filter: filter)).isEmpty)
        }
    }

    @Test func aPhraseWithATextQueryRanksItsPoemsBySimilarity() throws {
        let query = try corpus.embed("山中明月")
        let expected = bruteForce(query, k: 5) { $0.normalizedLines.contains { $0.contains("明月") } }
        #expect(try ids(PoemQuery(vector: query, contains: "明月", k: 5)) == expected)
        // With a filter as well.
        let tang = bruteForce(query, k: 5) { $0.dynasty == "Tang" && $0.normalizedLines.contains { $0.contains("明月") } }
        #expect(try ids(PoemQuery(vector: query, contains: "明月", filter: PoemFilter(dynasties: ["Tang"]), k: 5)) == tang)
        // Without a vector: corpus order, filtered.
        let inOrder = corpus.poems.map(\.poem).filter { $0.form == .fiveByFour && $0.normalizedLines.contains { $0.contains("明月") } }
        #expect(try ids(PoemQuery(contains: "明月", filter: PoemFilter(form: .fiveByFour), k: .max)) == inOrder.map(\.id))
    }

    @Test func aTraditionalPoemIsFoundByItsSimplifiedTextWithScoreOne() throws {
        // 帝京篇十首 一, stored in traditional script and embedded normalised.
        let stored = try #require(corpus.poems.first { $0.poem.id == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4" })
        let simplified = stored.poem.normalizedLines.joined(separator: "，") + "。"
        #expect(simplified.hasPrefix("秦川雄帝宅，函谷壮皇居"))
        let hit = try #require(try poetry.poems(PoemQuery(vector: try corpus.embed(try poetry.normalizedQuery(simplified)),
                                                          model: corpus.clip.identity, k: 1, method: .exact)).first)
        #expect(hit.id == stored.poem.id && abs(hit.score - 1) < 1e-5)
        // The traditional text is normalised to the same query.
        let traditional = stored.poem.lines.joined(separator: "，") + "。"
        #expect(try poetry.normalizedQuery(traditional) == simplified)
    }

    @Test func hybridFusesTheVectorAndLexicalRankings() throws {
        let text = "明月照松间"
        let query = try corpus.embed(try poetry.normalizedQuery(text))
        let k = 5
        let hits = try poetry.poems(PoemQuery(vector: query, model: corpus.clip.identity, text: text, hybrid: true, k: k))
        #expect(hits.count == k)
        // Recompute: vector ranks over everything, lexical ranks by the
        // summed idf of the text's bigrams, fused as Σ 1/(60 + rank).
        let pool = 100
        let vectorRanks = Dictionary(uniqueKeysWithValues: bruteForce(query, k: pool) { _ in true }.enumerated().map { ($1, $0 + 1) })
        let bigrams = Set(zip(Array(text), Array(text).dropFirst()).map { String([$0, $1]) })
        let n = Double(corpus.poems.count)
        let df = Dictionary(uniqueKeysWithValues: bigrams.map { g in
            (g, Double(corpus.poems.filter { $0.poem.normalizedLines.contains { $0.contains(g) } }.count))
        })
        let lexical = corpus.poems.enumerated().compactMap { i, p -> (Int, String, Double)? in
            let score = bigrams.filter { g in p.poem.normalizedLines.contains { $0.contains(g) } }
                .reduce(0.0) { $0 + log(1 + (n - df[$1]! + 0.5) / (df[$1]! + 0.5)) }
            return score > 0 ? (i, p.poem.id, score) : nil
        }.sorted { $0.2 > $1.2 || ($0.2 == $1.2 && $0.0 < $1.0) }.prefix(pool)
        let lexicalRanks = Dictionary(uniqueKeysWithValues: lexical.enumerated().map { ($1.1, $0 + 1) })
        let order = Dictionary(uniqueKeysWithValues: corpus.poems.enumerated().map { ($1.poem.id, $0) })
        func rrf(_ rank: Int?) -> Double { rank.map { 1 / (60 + Double($0)) } ?? 0 }
        var fused: [(String, Double)] = []
        for id in Set(vectorRanks.keys).union(lexicalRanks.keys) {
            fused.append((id, rrf(vectorRanks[id]) + rrf(lexicalRanks[id])))
        }
        fused.sort { a, b in abs(a.1 - b.1) > 1e-12 ? a.1 > b.1 : order[a.0]! < order[b.0]! }
        #expect(hits.map(\.id) == fused.prefix(k).map(\.0))
        for (hit, f) in zip(hits, fused) { #expect(abs(Double(hit.score) - f.1) < 1e-6) }
        #expect(throws: PoetryError.self) { try poetry.poems(PoemQuery(vector: query, hybrid: true)) }
    }

    @Test func centoSourcesFollowTheFilter() throws {
        var writer = PoemWriter(poetry: poetry, clip: corpus.clip)
        writer.filter = PoemFilter(dynasties: ["Tang"], form: .fiveByFour)
        writer.candidateCount = 4
        let result = try writer.write(for: try corpus.embed("山水"), generator: .cento, seed: 1)
        let allowed = Set(corpus.poems.map(\.poem).filter { $0.dynasty == "Tang" && $0.form == .fiveByFour }.map(\.id))
        let sources = (result.poem?.lines ?? []).compactMap { (line: GeneratedLine) in line.source?.id }
        #expect(!sources.isEmpty && sources.allSatisfy(allowed.contains))
    }
}
