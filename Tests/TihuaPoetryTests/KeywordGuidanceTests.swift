import Testing
import TihuaModels
@testable import TihuaPoetry

/// Keyword guidance in constrained decoding: a bias on a keyword's first
/// character while it is not in the poem, twice that on its next character
/// once begun, nothing on −∞ and nothing once the keyword is written.
@Suite struct KeywordGuidanceTests {
    static let model = ConstrainedGenerationTests.model
    static let vocabulary = ConstrainedGenerationTests.vocabulary

    func tokens(_ text: String) -> [Int] { Self.vocabulary.characterTokens(text) }

    func logits(_ constraint: inout PoemConstraint) -> [Float] {
        var values = [Float](repeating: 0, count: Self.vocabulary.size)
        values.withUnsafeMutableBufferPointer { constraint.constrain($0) }
        return values
    }

    @Test func biasFollowsTheKeywordThroughTheLine() throws {
        let (ming, yue, chun, feng) = (tokens("明")[0], tokens("月")[0], tokens("春")[0], tokens("风")[0])
        let other = tokens("山")[0]
        let rules = PoemConstraint.Rules(form: PoemForm("5x4")!, layout: .keywords,
                                         keywords: [tokens("明月").map(Int32.init), tokens("春风").map(Int32.init)], keywordBias: 3)
        var c = PoemConstraint(vocabulary: Self.vocabulary, rules: rules)
        var l = logits(&c)
        #expect(l[ming] == 3 && l[chun] == 3 && l[yue] == 0 && l[other] == 0)
        c.accept(ming)
        l = logits(&c)
        #expect(l[yue] == 6 && l[ming] == 0 && l[chun] == 0, "a begun keyword is pushed to its end")
        c.accept(yue)
        l = logits(&c)
        #expect(l[ming] == 0 && l[chun] == 3, "明月 is written; 春风 is still wanted")
        c.accept(other)
        l = logits(&c)
        // Column 3 of 5: two characters left, 春风 still fits.
        #expect(l[chun] == 3)
        c.accept(chun)
        c.accept(other)   // 春 not followed by 风: the keyword is not written
        l = logits(&c)
        #expect(l[chun] == -.infinity && l[feng] == -.infinity, "the line is full: only its separator")
        c.accept(Self.vocabulary.bar!)
        l = logits(&c)
        #expect(l[chun] == 3 && l[ming] == 0)
    }

    @Test func keywordsThatDoNotFitTheRoomLeftAreNotBegun() throws {
        let rules = PoemConstraint.Rules(form: PoemForm("5x4")!, layout: .keywords,
                                         keywords: [tokens("明月").map(Int32.init)], keywordBias: 3)
        var c = PoemConstraint(vocabulary: Self.vocabulary, rules: rules)
        for t in tokens("青山绿水") { c.accept(t) }
        #expect(logits(&c)[tokens("明")[0]] == 0, "one character left in the line")
    }

    @Test func guidanceNeverAllowsAnExcludedToken() throws {
        let ming = tokens("明")[0]
        let rules = PoemConstraint.Rules(form: PoemForm("5x4")!, layout: .keywords, noRepeat: true,
                                         keywords: [tokens("明月").map(Int32.init), tokens("明日").map(Int32.init)], keywordBias: 3)
        var c = PoemConstraint(vocabulary: Self.vocabulary, rules: rules)
        #expect(logits(&c)[ming] == 3, "two keywords sharing a first character add one bias")
        c.accept(ming)
        c.accept(tokens("山")[0])
        #expect(logits(&c)[ming] == -.infinity, "no repeat wins over guidance")
    }

    @Test func strongGuidancePutsAKeywordInEveryCandidate() throws {
        let keywords = ["明月", "故乡"]
        var guided = ConstrainedGenerationTests.generator(.keywords, PoemForm("5x4")!)
        guided.keywordBias = EngineLimits.maxKeywordBias
        var alone = guided
        alone.keywordBias = 0
        let withGuidance = try guided.candidates(keywords: keywords, count: 8, seed: 3)
        let without = try alone.candidates(keywords: keywords, count: 8, seed: 3)
        func uses(_ poem: GeneratedPoem) -> Bool { keywords.contains { poem.lines.map(\.text).joined().contains($0) } }
        #expect(withGuidance.allSatisfy(uses), "\(withGuidance.map { $0.lines.map(\.text) })")
        #expect(withGuidance.allSatisfy { PoemForm("5x4")!.admits($0) })
        #expect(without.filter(uses).count < 8, "the random model alone rarely writes a keyword")
    }
}
