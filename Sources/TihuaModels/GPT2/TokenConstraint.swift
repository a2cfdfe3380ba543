/// Restricts what one generated sequence may pick, step by step (a poem's
/// form, a grammar). The decoder calls `constrain` on the logits of every
/// step before sampling, then `accept` with the token picked, so the
/// constraint follows the sequence as it grows. A constraint must leave at
/// least one token allowed at every step.
public protocol TokenConstraint: Sendable {
    /// Sets the logits of every token not allowed next to −∞.
    mutating func constrain(_ logits: UnsafeMutableBufferPointer<Float>)
    /// Records the token that was picked (or put in the prompt).
    mutating func accept(_ token: Int)
}
