import Foundation
import Testing
import TihuaStore
@testable import TihuaPoetry

/// `poems --contains`: exact phrase search over the normalised text.
@Suite(.serialized) struct PhraseSearchTests {
    /// The bundled samples (9,976 CCPC poems, 1,000 Tang poems), imported once.
    final class Corpus: @unchecked Sendable {
        static let shared = try! Corpus()
        let dir = Scratch()
        let index: TihuaIndex
        /// The poems as stored (merged duplicates excluded), in corpus order.
        let poems: [Poem]

        init() throws {
            index = try TihuaIndex(path: dir.path + "/idx", create: true)
            let files = [Samples.root + "/chinese-poetry/poet.tang.0.json", Samples.root + "/ccpc/ccpc_test_v1.0.json"]
            _ = try PoemImport(paths: files).run(into: index)
            let c = try index.collection(BuiltinCollection.poems)!
            poems = try index.read { txn in
                var out: [Poem] = []
                try txn.snapshot(c).forEachRecord { out.append(try JSONDecoder().decode(Poem.self, from: Data($0.document))); return true }
                return out
            }
        }
    }

    var corpus: Corpus { Corpus.shared }
    var poetry: PoetryIndex { PoetryIndex(index: corpus.index) }

    /// Brute force: the poems whose normalised lines, joined by line breaks,
    /// contain `needle` ("\n" for a line break).
    func bruteForce(_ needle: String, in poems: [Poem]) -> [String] {
        poems.filter { ("\n" + $0.normalizedLines.joined(separator: "\n") + "\n").contains(needle) }.map(\.id)
    }

    @Test func aTraditionalPoemIsFoundByItsSimplifiedText() throws {
        let hits = try poetry.poems(PoemQuery(contains: "函谷壮皇居"))
        #expect(hits.map(\.id) == ["3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4"])
        let hit = try #require(hits.first)
        // Shown as written, with the match marked in the original line.
        #expect(hit.lines[1] == "函谷壯皇居" && hit.matches[1] == [0..<5])
        #expect(hit.matches[0].isEmpty && hit.score == 1)
        // The traditional phrase finds it too (queries are normalised).
        #expect(try poetry.poems(PoemQuery(contains: "函谷壯皇居")).map(\.id) == hits.map(\.id))
        let simplified = try poetry.poems(PoemQuery(contains: "函谷壮皇居", script: .simplified))
        #expect(simplified.first?.lines[1] == "函谷壮皇居" && simplified.first?.title == "帝京篇十首 一")
    }

    @Test(arguments: ["明月", "春风", "不知", "月", "题诗水西寺", "明月光", "故人"])
    func matchesEqualBruteForceInCorpusOrder(phrase: String) throws {
        let found = try poetry.poems(PoemQuery(contains: phrase, k: .max))
        #expect(found.map(\.id) == bruteForce(phrase, in: corpus.poems))
        #expect(!found.isEmpty)
        // Every displayed match is the phrase (the samples keep line lengths).
        for hit in found.prefix(50) {
            for (line, ranges) in zip(hit.poem.normalizedLines, hit.matches) {
                for r in ranges {
                    #expect(String(String.UnicodeScalarView(Array(line.unicodeScalars)[r])) == phrase)
                }
            }
        }
        // k bounds the list, keeping the order.
        #expect(try poetry.poems(PoemQuery(contains: phrase, k: 3)).map(\.id) == Array(found.prefix(3)).map(\.id))
    }

    @Test func lineBreaksInAPhraseMatchLineBoundaries() throws {
        #expect(try poetry.poems(PoemQuery(contains: "明月，", k: .max)).map(\.id) == bruteForce("明月\n", in: corpus.poems))
        #expect(try poetry.poems(PoemQuery(contains: "，明月", k: .max)).map(\.id) == bruteForce("\n明月", in: corpus.poems))
        let across = bruteForce("西寺\n古木", in: corpus.poems)
        #expect(!across.isEmpty)
        #expect(try poetry.poems(PoemQuery(contains: "西寺，古木", k: .max)).map(\.id) == across)
        #expect(try poetry.poems(PoemQuery(contains: "西寺 古木", k: .max)).map(\.id) == across)
        #expect(try poetry.poems(PoemQuery(contains: "西寺古木", k: .max)).isEmpty)
    }

    @Test func nothingFoundIsAnEmptyResultAndNoCharacterIsAnError() throws {
        #expect(try poetry.poems(PoemQuery(contains: "电脑手机")).isEmpty)
        #expect(try poetry.poems(PoemQuery(contains: "ＱＸ")).isEmpty)
        #expect(throws: PoetryError.self) { try poetry.poems(PoemQuery(contains: "，。 ")) }
        #expect(throws: PoetryError.self) { try poetry.poems(PoemQuery(contains: "明月", k: 0)) }
    }

    @Test func deletingPoemsUpdatesThePhraseIndex() throws {
        let dir = Scratch()
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        let tang = dir.write("poet.tang.0.json", #"[{"author": "太宗皇帝", "paragraphs": ["散影玉階柳，含翠隱鳴蟬。", "微形藏葉裏，亂響出風前。"], "title": "賦得弱柳鳴秋蟬", "id": "t1"}, {"paragraphs": ["明月松間照，清泉石上流。"], "id": "t2"}]"#)
        let ccpc = dir.write("c.json", #"{"content": "散影玉阶柳|含翠隐鸣蝉|微形藏叶里|乱响出风前"}"#)
        _ = try PoemImport(paths: [tang, ccpc]).run(into: index)
        let poetry = PoetryIndex(index: index)
        #expect(try poetry.poems(PoemQuery(contains: "鸣蝉")).map(\.variants) == [["c:1"]])
        // Deleting the variant keeps the poem; deleting the poem drops its entries.
        #expect(try PoemDeletion.delete(["c:1", "nope"], from: index) == .init(deleted: 1, missing: 1))
        #expect(try poetry.poems(PoemQuery(contains: "鸣蝉")).map(\.variants) == [[]])
        #expect(try PoemDeletion.delete(["t1"], from: index) == .init(deleted: 1, missing: 0))
        #expect(try poetry.poems(PoemQuery(contains: "鸣蝉")).isEmpty)
        #expect(try poetry.poems(PoemQuery(contains: "明月")).map(\.id) == ["t2"])
        var expected = RhymeTable()
        expected.add(lines: ["明月松间照", "清泉石上流"])
        #expect(try RhymeTable.stored(in: index) == expected)
        // No entry of the deleted poem is left (t2 owns every remaining one).
        let tables = try #require(try PoemTables.open(index, create: false))
        let remaining: Set<UInt32> = try index.read { txn in
            var all = Set<UInt32>()
            for table in [tables.grams, tables.facets] {
                try txn.forEachEntry(in: table) { _, value in all.formUnion(Postings.decode(value)); return true }
            }
            return all
        }
        #expect(remaining == [1])
        // Imported again, it is a poem of its own once more.
        #expect(try PoemImport(paths: [tang]).run(into: index) == ImportSummary(imported: 1, duplicates: 1))
        #expect(try poetry.poems(PoemQuery(contains: "鸣蝉")).map(\.id) == ["t1"])
    }
}
