import Testing
@testable import TihuaModels

/// Batched generation (one pass per step over all unfinished sequences)
/// against separate `generate` calls on the gpt2-tiny fixture: the contract
/// is token-for-token equality, stop reasons included.
@Suite struct GPT2BatchTests {
    static let model = GPT2Tests.model
    static var prompt: [Int] { get throws { try Fixtures.gpt2Reference.integerArray("prompt_ids") } }

    static func separate(_ prompt: [Int], _ options: [GenerationOptions]) throws -> [Generation] {
        try options.map { try model.generate(promptIDs: prompt, options: $0) }
    }

    static func sampling(seed: UInt64, temperature: Float = 1, topK: Int = 40, topP: Float = 0.9,
                         maxNewTokens: Int = 24, stopTokens: Set<Int> = []) -> GenerationOptions {
        GenerationOptions(strategy: .sample(temperature: temperature, topK: topK, topP: topP, seed: seed),
                          maxNewTokens: maxNewTokens, stopTokens: stopTokens)
    }

    @Test func greedyBatchEqualsSeparateRuns() throws {
        let prompt = try Self.prompt
        let options = [
            GenerationOptions(maxNewTokens: 24),
            GenerationOptions(maxNewTokens: 5),
            GenerationOptions(maxNewTokens: 1),
            GenerationOptions(maxNewTokens: 0),
            GenerationOptions(maxNewTokens: 24, stopTokens: [6110]),   // the greedy run's third token
            GenerationOptions(maxNewTokens: 24, stopTokens: [17689]),  // its first: stops before any pass
            GenerationOptions(maxNewTokens: 12, suppressedTokens: [17689]),
        ]
        let batched = try Self.model.generate(promptIDs: prompt, optionsPerSequence: options)
        #expect(batched == (try Self.separate(prompt, options)))
        #expect(batched[0].allIDs == (try Fixtures.gpt2Reference.integerArray("greedy_ids")))
        #expect(batched.map(\.newIDs.count) == [24, 5, 1, 0, 2, 0, 12])
        #expect(batched[4].stopReason == .stopToken(6110) && batched[5].stopReason == .stopToken(17689))
    }

    /// Eight seeds with different temperature, top-k, top-p and lengths; then
    /// the same with stop tokens taken from each run, so that the sequences
    /// leave the batch at different steps (and the cache slots get refilled).
    @Test func sampledBatchEqualsSeparateRuns() throws {
        let prompt = try Self.prompt
        let settings: [(Float, Int, Float, Int)] = [
            (1, 40, 0.9, 24), (0.7, 0, 1, 30), (1.3, 8, 0.95, 17), (1, 1, 1, 9),
            (1, 0, 0.5, 24), (0.9, 20, 1, 3), (1.1, 40, 0.8, 40), (1, 8, 0.95, 24),
        ]
        var options = settings.enumerated().map { i, s in
            Self.sampling(seed: UInt64(i + 1), temperature: s.0, topK: s.1, topP: s.2, maxNewTokens: s.3)
        }
        let free = try Self.separate(prompt, options)
        #expect(try Self.model.generate(promptIDs: prompt, optionsPerSequence: options) == free)
        #expect(Set(free.map(\.newIDs)).count == 8)

        // Stop on the token at a different step of each run (the first
        // occurrence of that id ends it), skipping two runs.
        for i in options.indices where i % 4 != 3 {
            let ids = free[i].newIDs
            options[i].stopTokens = [ids[min(ids.count - 1, 1 + 3 * i % ids.count)]]
        }
        let stopped = try Self.model.generate(promptIDs: prompt, optionsPerSequence: options)
        #expect(stopped == (try Self.separate(prompt, options)))
        let stoppedCount = stopped.filter { if case .stopToken = $0.stopReason { true } else { false } }.count
        #expect(stoppedCount == 6)
        #expect(Set(stopped.map(\.newIDs.count)).count >= 4, "sequences should finish at different steps")
    }

    /// A batch that runs into n_positions (128) stops like a single run.
    @Test func contextFullInABatch() throws {
        let prompt = Self.model.promptIDs("明月")
        let options = [GenerationOptions(maxNewTokens: 500), Self.sampling(seed: 3, maxNewTokens: 500),
                       Self.sampling(seed: 4, maxNewTokens: 30)]
        let batched = try Self.model.generate(promptIDs: prompt, optionsPerSequence: options)
        #expect(batched == (try Self.separate(prompt, options)))
        #expect(batched.map(\.stopReason) == [.contextFull, .contextFull, .maxNewTokens])
        #expect(batched[0].allIDs.count == 129 && batched[1].allIDs.count == 129)
    }

    /// One batched step's logits against a single session's, row by row.
    /// The only arithmetic that differs is sgemm with M = 4 instead of 1;
    /// with this OpenBLAS (0.3.21) the rows come out bit for bit equal, but
    /// BLAS promises no summation order, so the check is within 1e-4.
    @Test func batchedPassLogitsMatchSingleSessions() throws {
        let prompt = try Self.prompt
        let next = [17689, 6110, 101, 3300]
        let pass = GPT2Forward(model: Self.model, slots: next.count, capacity: prompt.count + 1)
        try prompt.withUnsafeBufferPointer { try pass.run($0, sequences: 1, allPositions: false) }
        for r in 1..<next.count { pass.copySequence(0, to: r) }
        try next.withUnsafeBufferPointer { try pass.run($0, sequences: next.count, allPositions: false) }
        #expect(pass.length == prompt.count + 1)
        for (r, token) in next.enumerated() {
            let session = Self.model.makeSession()
            try session.append(prompt)
            try session.append(token: token)
            let diff = maxAbsDiff(Array(pass.logits(row: r)), session.logits())
            #expect(diff <= 1e-4, "row \(r): max |diff| \(diff)")
        }
    }

    @Test func edgeCases() throws {
        let prompt = try Self.prompt
        #expect(try Self.model.generate(promptIDs: prompt, optionsPerSequence: []).isEmpty)
        #expect(throws: ModelError.self) { try Self.model.generate(promptIDs: [], optionsPerSequence: [GenerationOptions()]) }
        #expect(throws: ModelError.self) { try Self.model.generate(promptIDs: [101, 21128], optionsPerSequence: [GenerationOptions()]) }
        #expect(throws: ModelError.self) {
            try Self.model.generate(promptIDs: [Int](repeating: 101, count: 129), optionsPerSequence: [GenerationOptions()])
        }
        // The same options twice: the same tokens twice.
        let twice = try Self.model.generate(promptIDs: prompt, optionsPerSequence: [Self.sampling(seed: 5), Self.sampling(seed: 5)])
        #expect(twice[0] == twice[1])
    }
}
