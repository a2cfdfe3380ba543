import Foundation
import Testing

/// `poems` with phrases, filters, scripts and hybrid ranking; `import poems`
/// merging duplicates; `generate` with cento source filters; `upgrade`. On
/// the bundled Tang file (traditional) and a real CCPC line of one of its
/// poems (simplified), embedded with the tiny model.
@Suite(.serialized) struct CorpusCommandTests {
    final class Corpus: @unchecked Sendable {  // immutable after init; shared by the serialized tests
        static let shared = try! Corpus()
        let dir = Scratch()
        var index: String { dir.file("index") }
        let imported: CLI.Result

        /// 赋得弱柳鸣秋蝉 by 李世民 as CCPC has it; the Tang file has it in
        /// traditional script as 賦得弱柳鳴秋蟬 by 太宗皇帝.
        static let ccpcLine =
            #"{"dynasty": "Sui", "author": "李世民", "content": "散影玉阶柳|含翠隐鸣蝉|微形藏叶里|乱响出风前", "title": "赋得弱柳鸣秋蝉", "keywords": "玉阶 隐 鸣蝉 藏"}"#
        static let tangID = "487805d3-fe67-46d9-912d-29587a2cb1c5"

        init() throws {
            let ccpc = dir.write("ccpc_test_v1.0.json", Self.ccpcLine)
            imported = try CLI.run(["import", "poems", "--index", dir.file("index"), CLI.samples + "/chinese-poetry/poet.tang.0.json",
                                    ccpc, "--json"])
            let keywords = try String(contentsOfFile: CLI.samples + "/ccpc/keywords.txt", encoding: .utf8)
                .split(separator: "\n").prefix(100).joined(separator: "\n")
            _ = try CLI.run(["import", "keywords", "--index", dir.file("index"), dir.write("keywords.txt", keywords)])
            _ = try CLI.run(["embed", "--index", dir.file("index"), "--model", CLI.samples + "/models/clip-tiny"])
        }
    }

    var index: String { Corpus.shared.index }

    func results(_ arguments: [String]) throws -> [[String: Any]] {
        let run = try CLI.run(["poems", "--index", index] + arguments + ["--json"])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return try #require(run.json()?["results"] as? [[String: Any]], "\(arguments): \(run.stdout)")
    }

    @Test func aCCPCPoemAlsoInTheTangFileIsMergedAndListedOnceWithItsSources() throws {
        let summary = try #require(Corpus.shared.imported.json(), "\(Corpus.shared.imported.stderr)")
        // The Tang file itself repeats 20 of its 1,000 poems (under other ids); the CCPC line is the 21st.
        #expect(summary["imported"] as? Int == 980 && summary["merged"] as? Int == 21, "\(summary)")
        let found = try results(["--contains", "鸣蝉"])
        let hit = try #require(found.first { $0["id"] as? String == Corpus.tangID })
        #expect(hit["variants"] as? [String] == ["ccpc_test_v1.0:1"])
        #expect(hit["title"] as? String == "賦得弱柳鳴秋蟬")  // shown as written
        #expect(hit["form"] as? String == "5x4")
    }

    @Test func aSimplifiedPhraseFindsTraditionalPoemsInCorpusOrderAndMarksIt() throws {
        let found = try results(["--contains", "明月", "--k", "1000"])
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { hit in
            (hit["lines"] as? [String])?.contains { $0.contains("明月") } == true && hit["score"] as? Double == 1
        })
        // Corpus order: the ids in the order of the Tang file.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.samples + "/chinese-poetry/poet.tang.0.json")))
        let order = ((file as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        let positions = found.compactMap { hit in order.firstIndex(of: hit["id"] as? String ?? "") }
        #expect(positions.count == found.count && positions == positions.sorted())

        // People's output marks the match, in the original script or converted.
        let text = try CLI.run(["poems", "--index", index, "--contains", "鸣蝉"])
        #expect(text.stdout.contains("含翠隱【鳴蟬】") && text.stdout.contains("(also ccpc_test_v1.0:1)"), "\(text.stdout)")
        let simplified = try CLI.run(["poems", "--index", index, "--contains", "鸣蝉", "--script", "simplified"])
        #expect(simplified.stdout.contains("含翠隐【鸣蝉】") && simplified.stdout.contains("赋得弱柳鸣秋蝉"), "\(simplified.stdout)")
        let traditional = try results(["--contains", "鸣蝉", "--script", "traditional"])
        #expect((traditional.first?["lines"] as? [String])?.first == "散影玉階柳")
    }

    @Test func filtersNarrowAndAFilterThatMatchesNothingIsAnEmptyResult() throws {
        let tang = try results(["--contains", "明月", "--dynasty", "唐", "--k", "1000"])
        #expect(tang.count == (try results(["--contains", "明月", "--k", "1000"])).count)
        #expect(try results(["--contains", "明月", "--dynasty", "Song"]).isEmpty)
        #expect(try results(["--dynasty", "Qing"]).isEmpty)
        let byAuthor = try results(["--author", "魏征", "--k", "1000"])  // simplified name of 魏徵
        #expect(!byAuthor.isEmpty && byAuthor.allSatisfy { $0["author"] as? String == "魏徵" })
        let regulated = try results(["--form", "5x8", "--title-contains", "春", "--k", "1000"])
        #expect(regulated.count == 3 && regulated.allSatisfy {
            $0["form"] as? String == "5x8" && ($0["title"] as? String)?.contains("春") == true
        })
        let empty = try CLI.run(["poems", "--index", index, "--contains", "明月", "--author", "无此人"])
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr.isEmpty)
    }

    @Test func aTraditionalTextQueryMeetsTheNormalisedEmbeddingWithScoreOne() throws {
        // 帝京篇十首 一 as the Tang file writes it (traditional): the query is
        // normalised as the poem was, so it embeds the same text.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.samples + "/chinese-poetry/poet.tang.0.json")))
        let record = try #require((file as? [[String: Any]])?.first { $0["id"] as? String == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4" })
        let text = try #require(record["paragraphs"] as? [String]).joined()
        #expect(text.hasPrefix("秦川雄帝宅，函谷壯皇居"))
        let hit = try #require(try results(["--text", text, "--exact", "--k", "1"]).first)
        #expect(hit["id"] as? String == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4")
        #expect(abs((hit["score"] as? Double ?? 0) - 1) < 1e-4)
        // Within a phrase and a filter, ranked by similarity.
        let within = try results(["--text", text, "--contains", "皇居", "--dynasty", "Tang", "--k", "3"])
        #expect(within.first?["id"] as? String == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4")
        let scores = within.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))
        let hybrid = try results(["--text", "明月照松间", "--hybrid", "--k", "5"])
        #expect(hybrid.count == 5 && hybrid.allSatisfy { ($0["score"] as? Double ?? 1) < 2.0 / 61 + 1e-6 })
    }

    @Test func usageErrorsExit64() throws {
        for arguments in [["--contains", "明月", "--form", "6x4"], ["--form", "sonnet"], ["--contains", "明月", "--hybrid"],
                          [], ["--contains", "，。"], ["--contains", "明月", "--script", "latin"],
                          ["--contains", String(repeating: "月", count: 300)]] {
            let run = try CLI.run(["poems", "--index", index] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
        }
        let form = try CLI.run(["poems", "--index", index, "--form", "6x4"])
        #expect(form.stderr.contains("5x4") && form.stderr.contains("other"))
    }

    @Test func centoLinesComeFromTheFilteredPoems() throws {
        let run = try CLI.run(["generate", "--index", index, "--text", "山水", "--source-form", "5x4", "--author", "太宗皇帝",
                               "--candidates", "4", "--json"])
        let poem = try #require(run.json(), "\(run.stderr)")
        let sources = try #require((poem["poem"] as? [String: Any])?["lines"] as? [[String: Any]])
            .compactMap { ($0["source"] as? [String: Any])?["author"] as? String }
        #expect(sources.count == 4 && sources.allSatisfy { $0 == "太宗皇帝" })
        #expect(try CLI.run(["generate", "--index", index, "--text", "山水", "--source-form", "7x9"]).status == 64)
    }
}

/// `tihua upgrade` on an index written by the release before normalisation.
@Suite struct UpgradeCommandTests {
    let dir = Scratch()

    @Test func aFormatOneIndexIsRefusedThenUpgradedInPlace() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../TihuaPoetryTests/Fixtures/v1-index").standardized.path
        let index = dir.file("index")
        try FileManager.default.createDirectory(atPath: index, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture + "/data.mdb", toPath: index + "/data.mdb")
        let refused = try CLI.run(["poems", "--index", index, "--contains", "明月"])
        #expect(refused.status == 1 && refused.stderrLines.count == 1 && refused.stderr.contains("tihua upgrade"), "\(refused.stderr)")
        let upgrade = try CLI.run(["upgrade", "--index", index, "--json"])
        let summary = try #require(upgrade.json(), "\(upgrade.stderr)")
        #expect(summary["poems"] as? Int == 51 && summary["merged"] as? Int == 1)
        #expect(try CLI.run(["poems", "--index", index, "--contains", "明月"]).status == 0)
        let again = try CLI.run(["upgrade", "--index", index])
        #expect(again.status == 0 && again.stdout.contains("nothing to upgrade"))
    }

    @Test func keepDuplicatesImportsBothCopies() throws {
        let tang = dir.write("poet.tang.0.json", #"[{"author": "太宗皇帝", "paragraphs": ["散影玉階柳，含翠隱鳴蟬。", "微形藏葉裏，亂響出風前。"], "title": "賦得弱柳鳴秋蟬", "id": "487805d3-fe67-46d9-912d-29587a2cb1c5"}]"#)
        let ccpc = dir.write("ccpc_test_v1.0.json", CorpusCommandTests.Corpus.ccpcLine)
        let kept = try CLI.run(["import", "poems", "--index", dir.file("kept"), tang, ccpc, "--keep-duplicates", "--json"])
        #expect(kept.json()?["imported"] as? Int == 2 && kept.json()?["merged"] as? Int == 0, "\(kept.stderr)")
        let bad = try CLI.run(["import", "poems", "--index", dir.file("bad"), tang, "--script-profile", "nonsense"])
        #expect(bad.status == 1 && bad.stderrLines.count == 1 && bad.stderr.contains("nonsense"), "\(bad.stderr)")
    }
}
