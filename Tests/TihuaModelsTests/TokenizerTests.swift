import Testing
@testable import TihuaModels

@Suite struct TokenizerTests {
    static let tokenizer = try! BertTokenizer(contentsOf: Fixtures.path("vocab.txt"))

    @Test func vocabularyHasTheSpecialIDs() {
        let t = Self.tokenizer
        #expect(t.vocabulary.count == 21128)
        #expect([t.padID, t.unknownID, t.clsID, t.sepID, t.maskID] == [0, 100, 101, 102, 103])
    }

    /// All 20 BertTokenizer reference cases, ids and tokens exactly.
    @Test(arguments: 0..<20)
    func referenceCase(_ index: Int) {
        let c = Fixtures.tokenizerCases[index]
        let ids = Self.tokenizer.encode(c.text)
        #expect(ids == c.input_ids, "case \(index): \(c.text)")
        #expect(ids.map { Self.tokenizer.vocabulary.tokens[$0] } == c.tokens, "case \(index)")
    }

    @Test func thereAreTwentyCases() {
        #expect(Fixtures.tokenizerCases.count == 20)
    }

    @Test func gpt2PromptIsTheCaseWithoutSeparator() throws {
        let ids = Self.tokenizer.encode("举头望明月，低头思故乡。", maxLength: nil, addSeparator: false)
        #expect(ids == (try Fixtures.gpt2Reference.integerArray("prompt_ids")))
    }

    @Test func decodeJoinsCJKAndGluesContinuations() {
        let t = Self.tokenizer
        let poem = t.encode("举头望明月，低头思故乡。")
        #expect(t.decode(poem) == "举头望明月，低头思故乡。")
        let mixed = t.encode("unaffable 不可理喻 Hello World")
        #expect(t.decode(mixed) == "unaffable不可理喻hello world")
        // Stops at [SEP] when asked, else drops it.
        let two = [t.clsID] + t.tokenIDs("明月") + [t.sepID] + t.tokenIDs("故乡")
        #expect(t.decode(two) == "明月")
        #expect(t.decode(two, stopAtSeparator: false) == "明月故乡")
    }

    @Test func wordsLongerThanOneHundredScalarsAreUnknown() {
        let t = Self.tokenizer
        #expect(t.tokenIDs(String(repeating: "a", count: 101)) == [t.unknownID])
        #expect(t.tokenIDs(String(repeating: "a", count: 100)) != [t.unknownID])
    }

    @Test func missingVocabularyFileIsAModelError() {
        #expect(throws: ModelError.self) { try BertTokenizer(contentsOf: Fixtures.path("no-such-vocab.txt")) }
    }
}
