/// One generated sequence's state: its sampler, the tokens picked so far and
/// why it ended. The single and the batched `generate` both decide through
/// `step`, so they pick, stop and report alike by construction.
struct DecodingSequence {
    let options: GenerationOptions
    private var sampler: TokenSampler
    private var constraint: (any TokenConstraint)?
    private(set) var newIDs: [Int] = []
    /// nil while the sequence goes on.
    private(set) var stopReason: Generation.StopReason?

    init(options: GenerationOptions, vocabularySize: Int, constraint: (any TokenConstraint)? = nil) {
        self.options = options
        self.constraint = constraint
        sampler = TokenSampler(vocabularySize: vocabularySize, options: options)
        newIDs.reserveCapacity(max(0, options.maxNewTokens))
        if options.maxNewTokens <= 0 { stopReason = .maxNewTokens }
    }

    var isFinished: Bool { stopReason != nil }

    /// Picks the next token (among those the constraint allows) from the logits of the last position, which lies
    /// at `length − 1` of a model with `positions` positions (the logits are
    /// modified). Returns the token to run next, or nil when the sequence
    /// has ended: on a stop token (not kept), after `maxNewTokens`, or when
    /// the context is full (the token is kept).
    mutating func step(logits: UnsafeMutableBufferPointer<Float>, length: Int, positions: Int) -> Int? {
        precondition(!isFinished, "step after the sequence ended")
        constraint?.constrain(logits)
        let next = sampler.pick(from: logits)
        constraint?.accept(next)
        if options.stopTokens.contains(next) { stopReason = .stopToken(next); return nil }
        newIDs.append(next)
        if newIDs.count >= options.maxNewTokens { stopReason = .maxNewTokens; return nil }
        if length >= positions { stopReason = .contextFull; return nil }
        return next
    }

    func generation(promptIDs: [Int]) -> Generation {
        Generation(promptIDs: promptIDs, newIDs: newIDs, stopReason: stopReason ?? .maxNewTokens)
    }
}
