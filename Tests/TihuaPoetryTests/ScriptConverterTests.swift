import Foundation
import Synchronization
import Testing
@testable import TihuaPoetry

@Suite struct ScriptConverterTests {
    @Test func traditionalToSimplified() throws {
        let t2s = try ScriptConverter(profile: "t2s")
        #expect(try t2s.convert("秦川雄帝宅，函谷壯皇居。") == "秦川雄帝宅，函谷壮皇居。")
        #expect(try t2s.convert("飛流直下三千尺") == "飞流直下三千尺")
        #expect(try t2s.convert("") == "")
        #expect(try t2s.convert("abc 123") == "abc 123")
        // Phrases OpenCC keeps apart from their characters' usual conversion.
        #expect(try t2s.convert("乾坤") == "乾坤")
        #expect(try t2s.convert("乾燥") == "干燥")
    }

    @Test func simplifiedToTraditional() throws {
        #expect(try ScriptConverter(profile: "s2t").convert("飞流直下三千尺") == "飛流直下三千尺")
    }

    @Test func unknownProfileIsAnError() {
        #expect(throws: ScriptConverterError.self) { try ScriptConverter(profile: "no-such-profile") }
        #expect(throws: ScriptConverterError.self) { try ScriptConverter(profile: "") }
        #expect(throws: ScriptConverterError.self) { try ScriptConverter(profile: "/etc/hostname") }
    }

    /// Converting piece by piece gives exactly what OpenCC gives for the
    /// whole text, on real corpus text in both scripts and several profiles
    /// (single- and multi-step).
    @Test(arguments: ["t2s", "s2t", "s2twp", "t2tw", "tw2sp", "t2hk"])
    func piecewiseConversionEqualsOpenCCOnWholeTexts(profile: String) throws {
        let converter = try ScriptConverter(profile: profile)
        let tang = try String(contentsOfFile: Samples.root + "/chinese-poetry/poet.tang.0.json", encoding: .utf8)
        let ccpc = try String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
        let texts = tang.split(separator: "\n").prefix(3000).map(String.init)
            + ccpc.split(separator: "\n").prefix(1500).map(String.init)
            + ["乾坤乾燥頭髮發展", "𠀀𪚥 mixed 漢字 and ASCII", "著作著名", "后后後", "\u{3000}", "漢\u{0}字\u{0}"]
        var different = 0
        for text in texts where try converter.convert(text) != converter.convertWhole(text) { different += 1 }
        #expect(different == 0)
    }

    @Test func sharedByThreads() throws {
        let converter = try ScriptConverter(profile: "t2s")
        let texts = (0..<200).map { "東風夜放花千樹\($0)，更吹落、星如雨。寶馬雕車香滿路" }
        let expected = try texts.map { try converter.convertWhole($0) }
        let results = Mutex<[String?]>(Array(repeating: nil, count: texts.count))
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in
            let converted = try? converter.convert(texts[i])
            results.withLock { $0[i] = converted }
        }
        #expect(results.withLock { $0 } == expected)
    }
}
