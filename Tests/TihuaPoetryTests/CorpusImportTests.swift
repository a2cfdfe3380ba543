import Foundation
import Testing
import TihuaStore
@testable import TihuaPoetry

final class Scratch {
    let path = NSTemporaryDirectory() + "tihua-poetry-" + UUID().uuidString
    init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

func failure(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

func storedPoem(_ index: TihuaIndex, _ id: String) throws -> Poem? {
    guard let c = try index.collection(BuiltinCollection.poems) else { return nil }
    return try index.read { txn in
        try txn.snapshot(c).record(id).map { try JSONDecoder().decode(Poem.self, from: Data($0.document)) }
    }
}

@Suite struct CorpusImportTests {
    let dir = Scratch()

    @Test func ccpcRecordsGetFileLineIdsAndNormalisedDynasties() throws {
        let file = dir.write("ccpc_test_v1.0.json", """
        {"dynasty": "tang", "author": "杜牧", "content": "李白题诗水西寺|古木回岩楼阁风|半醒半醉游三日|红白花开山雨中", "title": "念昔游三首 其三", "keywords": "题诗 花开 楼阁 山雨"}

        {"dynasty": "Song", "author": "张栻", "content": "送子目力短|朔风吹我裾", "title": "别离", "keywords": ""}
        """)
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        let summary = try PoemImport(paths: [file]).run(into: index)
        #expect(summary == ImportSummary(imported: 2, skipped: 0, duplicates: 0))
        let first = try #require(try storedPoem(index, "ccpc_test_v1.0:1"))
        // Simplified already: no normalised copy is stored.
        #expect(first == Poem(id: "ccpc_test_v1.0:1", title: "念昔游三首 其三", author: "杜牧", dynasty: "Tang",
                              lines: ["李白题诗水西寺", "古木回岩楼阁风", "半醒半醉游三日", "红白花开山雨中"],
                              keywords: ["题诗", "花开", "楼阁", "山雨"], form: .sevenByFour))
        #expect(first.embeddingText == "李白题诗水西寺，古木回岩楼阁风，半醒半醉游三日，红白花开山雨中。")
        // Line 2 is blank: the second poem is line 3.
        #expect(try storedPoem(index, "ccpc_test_v1.0:3")?.keywords == [])
        // Importing the same file again only counts duplicates.
        #expect(try PoemImport(paths: [file]).run(into: index) == ImportSummary(imported: 0, skipped: 0, duplicates: 2))
    }

    @Test func chinesePoetryRecordsKeepTheirIdsAndSplitParagraphs() throws {
        let file = dir.write("poet.song.1000.json", """
        [
          {"author": "太宗皇帝", "paragraphs": ["秦川雄帝宅，函谷壯皇居。", "綺殿千尋起，離宮百雉餘！"],
           "title": "帝京篇十首 一", "id": "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4"},
          {"author": "柳永", "paragraphs": ["寒蟬淒切；對長亭晚？", " 驟雨初歇 "], "rhythmic": "雨霖鈴", "id": "u-2",
           "tags": ["宋词"], "notes": []}
        ]
        """)
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        #expect(try PoemImport(paths: [file]).run(into: index).imported == 2)
        // The original is kept; the normalised (simplified) form beside it.
        #expect(try storedPoem(index, "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4")
                == Poem(id: "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4", title: "帝京篇十首 一", author: "太宗皇帝",
                        dynasty: "Song", lines: ["秦川雄帝宅", "函谷壯皇居", "綺殿千尋起", "離宮百雉餘"], keywords: [],
                        normalized: .init(title: "帝京篇十首 一", author: "太宗皇帝",
                                          lines: ["秦川雄帝宅", "函谷壮皇居", "绮殿千寻起", "离宫百雉余"]),
                        form: .fiveByFour))
        let ci = try #require(try storedPoem(index, "u-2"))
        #expect(ci.title == "雨霖鈴" && ci.normalizedTitle == "雨霖铃")
        #expect(ci.lines == ["寒蟬淒切", "對長亭晚", "驟雨初歇"])
        #expect(ci.normalizedLines == ["寒蝉凄切", "对长亭晚", "骤雨初歇"])
        #expect(ci.form == .ci)
        #expect(ci.embeddingText == "寒蝉凄切，对长亭晚，骤雨初歇。")
    }

    @Test func invalidRecordsAbortNamingTheirPlaceOrAreSkipped() throws {
        let ccpc = dir.write("c.json", """
        {"dynasty": "Tang", "author": "a", "content": "一|二", "title": "t", "keywords": "k"}
        {"dynasty": "Tang", "author": "a", "content": "三|四", "title": "t"
        {"dynasty": "Tang", "author": "a", "title": "no content"}
        {"dynasty": "Tang", "author": "a", "content": " | ", "title": "no lines"}
        ["not", "an object"]
        """)
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        #expect(failure { _ = try PoemImport(paths: [ccpc]).run(into: index) }
                == "c.json line 2: not valid JSON: unexpected end of input in an object at byte 70 (nothing was imported)")
        #expect(try index.info(of: BuiltinCollection.poems) == nil)
        // The library names no flag: the kind and remedy let each shell word its hint.
        #expect(throws: PoetryError(.badInput, "c.json line 2: not valid JSON: unexpected end of input in an object at byte 70 (nothing was imported)", remedy: .skipInvalid)) {
            _ = try PoemImport(paths: [ccpc]).run(into: index)
        }

        let summary = try PoemImport(paths: [ccpc], skipInvalid: true).run(into: index)
        #expect(summary.imported == 1 && summary.skipped == 4)
        #expect(summary.skippedRecords == ["c.json line 2: not valid JSON: unexpected end of input in an object at byte 70",
                                           "c.json line 3: no \"content\"",
                                           "c.json line 4: \"content\" has no lines", "c.json line 5: not a JSON object"])

        let array = dir.write("poet.tang.9.json", """
        [{"author": "a", "paragraphs": ["一，二。"], "id": "x1"},
         {"author": "b", "paragraphs": [], "id": "x2"},
         {"author": "c", "paragraphs": ["。"], "id": "x3"},
         {"author": "d", "paragraphs": "一，二。", "id": "x4"},
         {"author": "e", "paragraphs": ["五，六。"], "id": x5}
        ]
        """)
        #expect(failure { _ = try PoemImport(paths: [array]).run(into: index) }
                == "poet.tang.9.json record 2 (line 2): no lines in \"paragraphs\" (nothing was imported)")
        let skipped = try PoemImport(paths: [array], skipInvalid: true).run(into: index)
        // 一，二 is the CCPC poem's wording: merged into it.
        #expect(skipped.imported == 0 && skipped.merged == 1)
        #expect(skipped.skippedRecords == [
            "poet.tang.9.json record 2 (line 2): no lines in \"paragraphs\"",
            "poet.tang.9.json record 3 (line 3): no lines in \"paragraphs\"",
            "poet.tang.9.json record 4 (line 4): \"paragraphs\" is not a list of strings",
            "poet.tang.9.json record 5 (line 5): not valid JSON: unexpected character at byte 55"])

        let broken = dir.write("broken.json", "[{\"author\": \"a\", \"paragraphs\": [\"一，二。\"]}")
        #expect(failure { _ = try PoemImport(paths: [broken]).run(into: index) }
                == "broken.json line 1: JSON array ends early (no closing ']') (nothing was imported)")
        let empty = dir.write("empty.json", "")
        #expect(failure { _ = try PoemImport(paths: [empty]).run(into: index) }
                == "empty.json: empty file (nothing was imported)")
        #expect(throws: PoetryError(.notFound, "\(dir.path)/nope.json: no such file or folder")) {
            _ = try PoemImport(paths: [dir.path + "/nope.json"]).run(into: index)
        }
    }

    @Test func duplicatesWithinOneImportAreCounted() throws {
        let file = dir.write("poet.tang.1.json", """
        [{"paragraphs": ["一，二。"], "id": "same"}, {"paragraphs": ["三，四。"], "id": "same"}]
        """)
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        #expect(try PoemImport(paths: [file]).run(into: index) == ImportSummary(imported: 1, skipped: 0, duplicates: 1))
        #expect(try storedPoem(index, "same")?.lines == ["一", "二"])
    }

    @Test func keywordsAreTrimmedAndRepeatsDropped() throws {
        let file = dir.write("kw.txt", "明月\n  故乡 \n\n明月\r\n瀑布\n")
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        let summary = try KeywordImport(path: file).run(into: index)
        #expect(summary.imported == 3 && summary.duplicates == 1)
        let c = try #require(try index.collection(BuiltinCollection.keywords))
        var ids: [String] = []
        try index.read { txn in try txn.snapshot(c).forEachRecord { ids.append($0.id); return true } }
        #expect(ids == ["明月", "故乡", "瀑布"])
    }

    @Test func documentsRoundTripThroughJSON() throws {
        let poem = Poem(id: "q\"\\/\u{1}", title: "tab\there\nnew", author: nil, dynasty: "Tang",
                        lines: ["一二三", "emoji 🌄"], keywords: ["k\u{1F}"])
        let decoded = try JSONDecoder().decode(Poem.self, from: Data(PoemDocument.encode(poem)))
        #expect(decoded == poem)
    }

    @Test func theBundledSamplesImportCompletely() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Samples").standardized.path
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        let summary = try PoemImport(paths: [samples + "/ccpc/ccpc_test_v1.0.json", samples + "/chinese-poetry"])
            .run(into: index)
        // 26 poems repeat another's wording once normalised (some CCPC poems
        // are also in chinese-poetry; the Tang file repeats a few of its own).
        #expect(summary == ImportSummary(imported: 10_950, skipped: 0, duplicates: 0, merged: 26))
        #expect(try KeywordImport(path: samples + "/ccpc/keywords.txt").run(into: index).imported == 6805)
    }
}
