import TihuaCompute
/// How `GPT2Model.generate` picks tokens and when it stops.
public struct GenerationOptions: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable {
        /// The most likely token (the lowest id on a tie).
        case greedy
        /// Sampling after temperature, top-k (0: off) and top-p (1: off),
        /// from a `SeededRandom` with `seed`: the same seed, the same tokens.
        case sample(temperature: Float, topK: Int, topP: Float, seed: UInt64)
    }

    public var strategy: Strategy
    public var maxNewTokens: Int
    /// Generation ends when one of these is picked; it is not returned.
    public var stopTokens: Set<Int>
    /// Never picked (e.g. [UNK], [PAD], [CLS]).
    public var suppressedTokens: Set<Int>

    public init(strategy: Strategy = .greedy, maxNewTokens: Int = 64, stopTokens: Set<Int> = [], suppressedTokens: Set<Int> = []) {
        self.strategy = strategy
        self.maxNewTokens = maxNewTokens
        self.stopTokens = stopTokens
        self.suppressedTokens = suppressedTokens
    }
}

/// The result of one generation.
public struct Generation: Sendable, Equatable {
    public enum StopReason: Sendable, Equatable {
        case stopToken(Int)
        case maxNewTokens
        /// The model's n_positions were used up (the token predicted from the
        /// full context is still returned, so prompt + new = n_positions + 1).
        case contextFull
    }

    public let promptIDs: [Int]
    public let newIDs: [Int]
    public let stopReason: StopReason

    /// Prompt followed by the new tokens.
    public var allIDs: [Int] { promptIDs + newIDs }
}
