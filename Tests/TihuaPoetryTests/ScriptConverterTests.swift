import Testing
import TihuaPoetry

@Suite struct ScriptConverterTests {
    @Test func traditionalToSimplified() throws {
        let t2s = try ScriptConverter(profile: "t2s")
        #expect(try t2s.convert("秦川雄帝宅，函谷壯皇居。") == "秦川雄帝宅，函谷壮皇居。")
        #expect(try t2s.convert("飛流直下三千尺") == "飞流直下三千尺")
        #expect(try t2s.convert("") == "")
        #expect(try t2s.convert("abc 123") == "abc 123")
    }

    @Test func simplifiedToTraditional() throws {
        #expect(try ScriptConverter(profile: "s2t").convert("飞流直下三千尺") == "飛流直下三千尺")
    }

    @Test func unknownProfileIsAnError() {
        #expect(throws: ScriptConverterError.self) { try ScriptConverter(profile: "no-such-profile") }
        #expect(throws: ScriptConverterError.self) { try ScriptConverter(profile: "") }
    }
}
