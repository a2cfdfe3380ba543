/// One sequence being run through GPT-2: its KV cache and the scratch of a
/// forward pass (a `GPT2Forward` of one sequence). The scratch grows to the
/// longest call (the prompt) and is then reused, so decoding one token at a
/// time allocates nothing. Not thread-safe: one session per sequence.
public final class GPT2Session {
    public let model: GPT2Model
    private let pass: GPT2Forward

    init(model: GPT2Model) {
        self.model = model
        pass = GPT2Forward(model: model, slots: 1, capacity: model.config.positions)
    }

    /// Tokens in the cache (the position of the next token).
    public var length: Int { pass.length }

    /// Forgets the sequence (the buffers are kept).
    public func reset() { pass.reset() }

    /// Runs `tokens` after the cached ones. Afterwards the logits of the last
    /// position (or of every new position with `allPositions`) are available.
    public func append(_ tokens: [Int], allPositions: Bool = false) throws {
        try tokens.withUnsafeBufferPointer { try pass.run($0, sequences: 1, allPositions: allPositions) }
    }

    /// Runs one token (no allocation once the scratch is sized).
    public func append(token: Int) throws {
        try withUnsafePointer(to: token) { try pass.run(UnsafeBufferPointer(start: $0, count: 1), sequences: 1, allPositions: false) }
    }

    /// Gives `body` the logits of the last appended position: [vocab].
    /// `body` may modify them (the sampler scales them in place).
    public func withLastLogits<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(pass.logitRows > 0, "no logits yet: append tokens first")
        return try body(pass.logits(row: pass.logitRows - 1))
    }

    /// A copy of the logits of the last append: [rows, vocab], rows = 1 or
    /// the number of tokens appended with `allPositions`.
    public func logits() -> [Float] { pass.allLogits() }
}
