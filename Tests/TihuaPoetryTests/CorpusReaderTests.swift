import Foundation
import Testing
import TihuaStore
@testable import TihuaPoetry

/// What the corpus readers refuse, and how they say it.
@Suite struct CorpusReaderTests {
    let dir = Scratch()

    /// The reasons `--skip-invalid` reports for a file.
    func reasons(_ name: String, _ text: String) throws -> [String] {
        try reasons(name, Data(text.utf8))
    }

    func reasons(_ name: String, _ bytes: Data) throws -> [String] {
        let path = dir.path + "/" + name
        FileManager.default.createFile(atPath: path, contents: bytes)
        return try CorpusFiles.read(path, format: .auto).compactMap { record in
            if case .invalid(let location, let reason) = record { return "\(location): \(reason)" }
            return nil
        }
    }

    @Test func ccpcFieldsOfTheWrongTypeOrNotUTF8AreRefusedLikeChinesePoetrys() throws {
        let lines = [
            #"{"content": "一|二", "title": 7}"#,
            #"{"content": "一|二", "author": ["a"]}"#,
            #"{"content": "一|二", "dynasty": {"x": 1}}"#,
            #"{"content": "一|二", "keywords": false}"#,
            #"{"content": 12}"#,
            #"{"content": "一|二", "title": "\ud800"}"#,
            #"{"content": "一|二", "title": "ok", "title": "again"}"#,
            #"{"content": "一|二", "title": null, "author": null}"#,
        ]
        var bytes = Data(lines.joined(separator: "\n").utf8)
        // A title and a content with a byte that is not UTF-8.
        bytes += Data("\n{\"content\": \"一|二\", \"title\": \"".utf8) + Data([0xFF, 0xFE]) + Data("\"}".utf8)
        bytes += Data("\n{\"content\": \"一|".utf8) + Data([0xC3, 0x28]) + Data("\"}".utf8)
        #expect(try reasons("c.jsonl", bytes) == [
            "c.jsonl line 1: \"title\" is not a string",
            "c.jsonl line 2: \"author\" is not a string",
            "c.jsonl line 3: \"dynasty\" is not a string",
            "c.jsonl line 4: \"keywords\" is not a string",
            "c.jsonl line 5: \"content\" is not a string",
            "c.jsonl line 6: \"title\" has an unpaired surrogate escape",
            "c.jsonl line 7: \"title\" appears twice",
            "c.jsonl line 9: \"title\" is not valid UTF-8",
            "c.jsonl line 10: \"content\" is not valid UTF-8",
        ])
    }

    @Test func chinesePoetryFieldsAreCheckedTheSameWay() throws {
        var bytes = Data(#"[{"paragraphs": ["一，二。"], "author": 3}, {"paragraphs": ["一，"#.utf8)
        bytes += Data([0xE4, 0xB8]) + Data(#"。"]}, {"title": "x", "desc": "an author record"}, {"paragraphs": ["一，二。"], "id": ""}]"#.utf8)
        #expect(try reasons("poet.tang.1.json", bytes) == [
            "poet.tang.1.json record 1 (line 1): \"author\" is not a string",
            "poet.tang.1.json record 2 (line 1): \"paragraphs\" is not valid UTF-8",
            "poet.tang.1.json record 3 (line 1): no \"paragraphs\"",
            "poet.tang.1.json record 4 (line 1): \"id\": empty id",
        ])
    }

    @Test func deepNestingIsNamed() throws {
        let deep = String(repeating: "[", count: 1_001) + String(repeating: "]", count: 1_001)
        #expect(try reasons("c.json", #"{"content": "一|二", "tags": \#(deep)}"#)
                == ["c.json line 1: JSON nested more than 512 levels deep"])
        #expect(try reasons("poet.tang.2.json", #"[{"paragraphs": ["一，二。"], "notes": \#(deep)}]"#)
                == ["poet.tang.2.json record 1 (line 1): JSON nested more than 512 levels deep"])
        // The whole file as one deep array.
        #expect(try reasons("poet.tang.3.json", deep).count == 1)
    }

    @Test func aJSONFileThatIsNotACorpusIsCalledSo() throws {
        let intro = """
        {
          "name": "全唐诗",
          "description": "Intro of the collection",
          "count": 57607
        }
        """
        #expect(try reasons("quan_tang_shi_intro.json", intro)
                == ["quan_tang_shi_intro.json: one JSON object over several lines, not a corpus (CCPC has one poem object a line, chinese-poetry a JSON array of poems)"])
        // Broken JSON over several lines is named line by line.
        #expect(try reasons("x.json", "{\"a\": 1,\n\"b\": [1, 2\n") == [
            "x.json line 1: not valid JSON: unexpected end of input in an object at byte 9",
            "x.json line 2: not valid JSON: unexpected bytes after the JSON value at byte 4"])
        #expect(try reasons("y.json", "[1, 2] trailing") == ["y.json line 1: not valid JSON: unexpected bytes after the array"])
        #expect(try reasons("z.json", "\u{FEFF}[{\"paragraphs\": [\"一，二。\"]}]") == [])
    }

    @Test func poemsPastTheBoundsAreRefusedBeforeTheyAreSplit() throws {
        let tooManyLines = Array(repeating: "一", count: CorpusLimits.maxLines + 1).joined(separator: "|")
        let longLine = String(repeating: "月", count: CorpusLimits.maxLineCharacters + 1)
        let longPoem = Array(repeating: String(repeating: "月", count: 900), count: 23).joined(separator: "|")
        let longTitle = String(repeating: "题", count: CorpusLimits.maxTitleCharacters + 1)
        let text = [
            #"{"content": "\#(tooManyLines)"}"#,
            #"{"content": "\#(longLine)"}"#,
            #"{"content": "\#(longPoem)"}"#,
            #"{"content": "一|二", "title": "\#(longTitle)"}"#,
            #"{"content": "一|二", "keywords": "\#(Array(repeating: "k", count: 201).joined(separator: " "))"}"#,
        ].joined(separator: "\n")
        #expect(try reasons("c.json", text) == [
            "c.json line 1: the poem has more than 2,000 lines",
            "c.json line 2: line 1 has 1,001 characters (at most 1,000)",
            "c.json line 3: the poem has 20,700 characters (at most 20,000)",
            "c.json line 4: the title is longer than 1,000 characters",
            "c.json line 5: 201 keywords (at most 200)",
        ])
        // A huge content is refused from its size, without decoding it.
        let huge = String(repeating: "一|", count: 3_000_000)
        #expect(try reasons("h.json", #"{"content": "\#(huge)"}"#) == ["h.json line 1: \"content\" is longer than 20,000 characters"])
        let paragraphs = "[" + Array(repeating: "\"一，二。\"", count: 2_001).joined(separator: ",") + "]"
        #expect(try reasons("poet.song.1.json", #"[{"paragraphs": \#(paragraphs)}]"#)
                == ["poet.song.1.json record 1 (line 1): \"paragraphs\" has more than 2,000 entries"])
    }

    @Test func formsAreDerivedFromLineCountAndLengths() {
        #expect(PoemFormClass.derive(lines: ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"]) == .fiveByFour)
        #expect(PoemFormClass.derive(lines: Array(repeating: "两个黄鹂鸣翠柳", count: 4)) == .sevenByFour)
        #expect(PoemFormClass.derive(lines: Array(repeating: "国破山河在", count: 8)) == .fiveByEight)
        #expect(PoemFormClass.derive(lines: Array(repeating: "风急天高猿啸哀", count: 8)) == .sevenByEight)
        #expect(PoemFormClass.derive(lines: ["寒蝉凄切", "对长亭晚", "骤雨初歇"]) == .other)
        #expect(PoemFormClass.derive(lines: ["寒蝉凄切", "对长亭晚", "骤雨初歇"], hasTune: true) == .ci)
        #expect(PoemFormClass.derive(lines: ["明月几时有", "把酒问青天", "不知天上宫阙"]) == .ci)
        #expect(PoemFormClass.derive(lines: Array(repeating: "国破山河在", count: 6)) == .other)
        // Punctuation inside a line is not counted.
        #expect(PoemFormClass.derive(lines: ["床前「明月」光", "疑是地上霜", "举头望明月", "低头思故乡"]) == .fiveByFour)
    }

    @Test func sameStemsInOtherFoldersGetQualifiedIds() throws {
        try FileManager.default.createDirectory(atPath: dir.path + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/b", withIntermediateDirectories: true)
        let a = dir.write("a/c.json", #"{"content": "春眠不觉晓|处处闻啼鸟"}"#)
        let b = dir.write("b/c.json", #"{"content": "夜来风雨声|花落知多少"}"#)
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        #expect(try PoemImport(paths: [a, b]).run(into: index).imported == 2)
        #expect(try storedPoem(index, "c:1")?.lines == ["春眠不觉晓", "处处闻啼鸟"])
        #expect(try storedPoem(index, "b/c:1")?.lines == ["夜来风雨声", "花落知多少"])
        // Each file again, in another import: the same ids, so duplicates.
        #expect(try PoemImport(paths: [b]).run(into: index) == ImportSummary(duplicates: 1))
        #expect(try PoemImport(paths: [dir.path]).run(into: index) == ImportSummary(duplicates: 2))
        #expect(ImportWriter.qualifiedIDs(path: "/x/y/z.json", number: 3) == ["z:3", "y/z:3", "x/y/z:3"])
    }
}
