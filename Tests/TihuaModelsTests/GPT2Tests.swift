import Testing
import TihuaCompute
@testable import TihuaModels

/// GPT-2 (gpt2-tiny fixture, laid out as uer/gpt2-chinese-poem) against
/// transformers' GPT2LMHeadModel in float32.
@Suite struct GPT2Tests {
    static let model = try! GPT2Model(folder: Fixtures.gpt2Folder)

    /// Logits of all 13 prompt positions in one pass: max |diff| ≤ 1e-4.
    @Test func promptLogitsMatchReference() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        let session = Self.model.makeSession()
        try session.append(prompt, allPositions: true)
        let logits = session.logits()
        #expect(logits.count == 13 * 21128)
        let diff = maxAbsDiff(logits, try Fixtures.gpt2Reference.floatArray("prompt_logits"))
        #expect(diff <= 1e-4, "max |diff| \(diff)")
    }

    /// The KV cache path (prompt, then one token at a time) gives the same
    /// logits as the full pass: the last prompt position fed token by token.
    @Test func tokenByTokenMatchesOnePass() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        let reference = try Fixtures.gpt2Reference.floatArray("prompt_logits")
        let session = Self.model.makeSession()
        try session.append(Array(prompt.prefix(5)))
        for token in prompt.dropFirst(5) { try session.append(token: token) }
        let diff = maxAbsDiff(session.logits(), reference[(12 * 21128)...])
        #expect(diff <= 1e-4, "max |diff| \(diff)")
        #expect(session.length == 13)
    }

    /// Greedy decoding of 24 tokens: ids identical to transformers' generate(do_sample=False).
    @Test func greedyIDsMatchReference() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        let expected = try Fixtures.gpt2Reference.integerArray("greedy_ids")
        let g = try Self.model.generate(promptIDs: prompt, options: GenerationOptions(maxNewTokens: 24))
        #expect(g.allIDs == expected)
        #expect(g.stopReason == .maxNewTokens)
    }

    @Test func promptTextIsTokenizedLikeTheReference() throws {
        #expect(Self.model.promptIDs("举头望明月，低头思故乡。") == (try Fixtures.gpt2Reference.integerArray("prompt_ids")))
    }

    static func sample(seed: UInt64, topK: Int = 40, topP: Float = 0.9) throws -> [Int] {
        let options = GenerationOptions(strategy: .sample(temperature: 1.0, topK: topK, topP: topP, seed: seed), maxNewTokens: 24)
        return try model.generate(prompt: "明月", options: options).newIDs
    }

    @Test func samplingIsReproducibleForASeed() throws {
        #expect(try Self.sample(seed: 7) == (try Self.sample(seed: 7)))
        #expect(try Self.sample(seed: 7, topK: 0, topP: 1) == (try Self.sample(seed: 7, topK: 0, topP: 1)))
    }

    @Test func differentSeedsGiveDifferentTokens() throws {
        let runs = try (1...4).map { try Self.sample(seed: UInt64($0)) }
        #expect(Set(runs).count == 4)
    }

    /// Top-k 1 is greedy whatever the seed.
    @Test func topKOneIsGreedy() throws {
        let greedy = try Self.model.generate(prompt: "明月", options: GenerationOptions(maxNewTokens: 24)).newIDs
        #expect(try Self.sample(seed: 99, topK: 1) == greedy)
    }

    @Test func stopTokenEndsGenerationAndIsNotReturned() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        // The greedy continuation's third token is 6110.
        let g = try Self.model.generate(promptIDs: prompt, options: GenerationOptions(maxNewTokens: 24, stopTokens: [6110]))
        #expect(g.newIDs == [17689, 17689])
        #expect(g.stopReason == .stopToken(6110))
    }

    @Test func suppressedTokensAreNeverPicked() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        let g = try Self.model.generate(promptIDs: prompt, options: GenerationOptions(maxNewTokens: 8, suppressedTokens: [17689]))
        #expect(!g.newIDs.contains(17689))
        #expect(g.newIDs.count == 8)
    }

    @Test func contextFullStopsAtNPositions() throws {
        let g = try Self.model.generate(prompt: "明月", options: GenerationOptions(maxNewTokens: 500))
        #expect(g.stopReason == .contextFull)
        // 128 positions run through the model; the last one still predicts a token.
        #expect(g.allIDs.count == 129)
    }

    @Test func badInputIsAModelError() throws {
        #expect(throws: ModelError.self) { try Self.model.generate(promptIDs: [], options: GenerationOptions()) }
        #expect(throws: ModelError.self) { try Self.model.makeSession().append([101, 21128]) }
        #expect(throws: ModelError.self) { try Self.model.makeSession().append([Int](repeating: 101, count: 129)) }
    }
}
