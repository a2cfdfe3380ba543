/// What `PoetryIndex.poems(_:)` looks for.
public struct PoemQuery: Sendable {
    /// Poems whose normalised text contains this phrase (see `PhraseQuery`).
    public var contains: String?
    public var k: Int
    /// The script results are shown in.
    public var script: DisplayScript

    public init(contains: String? = nil, k: Int = 10, script: DisplayScript = .original) {
        self.contains = contains
        self.k = k
        self.script = script
    }
}
