extension GPT2Model {
    /// Continues `promptIDs` once per element of `optionsPerSequence`, all
    /// sequences together: the prompt runs once (prefill) and its KV cache is
    /// copied to every sequence; then each step is one forward pass over the
    /// B unfinished sequences ([B, C] through every layer, each linear layer
    /// and the LM head one sgemm), so the weights are read once per step for
    /// all of them. Each sequence keeps its own sampler, seed and stop rules;
    /// a finished one leaves the batch (its cache slot is refilled by the
    /// last unfinished one).
    ///
    /// Result i is what `generate(promptIDs:options: optionsPerSequence[i])`
    /// returns, token for token — up to the last bits of the sums inside
    /// sgemm, which OpenBLAS may order differently for B rows than for one
    /// (see GPT2BatchTests).
    ///
    /// `constraints`, when given, holds one constraint per sequence (nil: none).
    public func generate(promptIDs: [Int], optionsPerSequence: [GenerationOptions],
                         constraints: [(any TokenConstraint)?]? = nil) throws -> [Generation] {
        guard !promptIDs.isEmpty else { throw ModelError(.invalidInput, "generate: the prompt has no tokens") }
        guard !optionsPerSequence.isEmpty else { return [] }
        if let constraints, constraints.count != optionsPerSequence.count {
            throw ModelError(.invalidInput, "generate: \(constraints.count) constraints for \(optionsPerSequence.count) sequences")
        }
        let P = config.positions
        let longest = optionsPerSequence.map(\.maxNewTokens).max()!
        // The last picked token is never run: prompt + maxNewTokens − 1 positions at most.
        let pass = GPT2Forward(model: self, slots: optionsPerSequence.count,
                               capacity: min(P, promptIDs.count + max(0, longest - 1)))
        var sequences = optionsPerSequence.indices.map {
            DecodingSequence(options: optionsPerSequence[$0], vocabularySize: config.vocabSize, constraint: constraints?[$0] ?? nil)
        }

        // Prefill in slot 0; every sequence picks its first token from a copy of those logits.
        try promptIDs.withUnsafeBufferPointer { try pass.run($0, sequences: 1, allPositions: false) }
        var rows: [Int] = []     // rows[r]: the sequence in batch row (and cache slot) r
        var tokens: [Int] = []   // tokens[r]: its next token to run
        var logits = [Float](repeating: 0, count: config.vocabSize)
        for i in sequences.indices where !sequences[i].isFinished {
            let next = logits.withUnsafeMutableBufferPointer { copy in
                _ = copy.update(fromContentsOf: pass.logits(row: 0))
                return sequences[i].step(logits: copy, length: pass.length, positions: P)
            }
            if let next { rows.append(i); tokens.append(next) }
        }
        for r in rows.indices.dropFirst() { pass.copySequence(0, to: r) }

        // Lock-step decoding: one pass per step over the unfinished sequences.
        var next: [Int?] = []
        while !rows.isEmpty {
            try tokens.withUnsafeBufferPointer { try pass.run($0, sequences: rows.count, allPositions: false) }
            next = rows.indices.map { r in sequences[rows[r]].step(logits: pass.logits(row: r), length: pass.length, positions: P) }
            Self.compact(&rows, &tokens, next: next, pass: pass)
        }
        return sequences.map { $0.generation(promptIDs: promptIDs) }
    }

    /// Drops the finished rows (next[r] == nil): the last unfinished row, its
    /// cache included, moves into each hole. The others get their next token.
    private static func compact(_ rows: inout [Int], _ tokens: inout [Int], next: [Int?], pass: GPT2Forward) {
        var next = next
        var r = 0
        while r < rows.count {
            if let token = next[r] { tokens[r] = token; r += 1; continue }
            let last = rows.count - 1
            if r < last, next[last] != nil {
                pass.copySequence(last, to: r)
                rows[r] = rows[last]
                next[r] = next[last]
            }
            rows.removeLast(); next.removeLast(); tokens.removeLast()
        }
    }
}
