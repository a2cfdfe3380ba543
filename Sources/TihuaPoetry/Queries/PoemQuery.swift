import TihuaSearch

/// What `PoetryIndex.poems(_:)` looks for: poems near a vector, poems
/// containing a phrase, poems passing a filter, or any mix of them.
///
/// - With a vector: the `k` nearest poems among those the phrase and filter
///   leave (exact within them: see `FilteredSearch`).
/// - With `hybrid` and the `text` the vector was made from: the vector
///   ranking and a lexical one (the text's bigrams, `LexicalRanker`) fused
///   by reciprocal rank fusion, `Σ 1/(60 + rank)`; that is the hit's score.
/// - Without a vector: the first `k` poems the phrase and filter leave, in
///   corpus (import) order, each with score 1.
public struct PoemQuery: Sendable {
    /// An embedding to rank by (an image's or a text's) and the model that
    /// made it (nil: not checked against the collection's).
    public var vector: [Float]?
    public var model: String?
    /// The text query the vector was made from (for `hybrid`).
    public var text: String?
    public var hybrid: Bool
    /// Poems whose normalised text contains this phrase (see `PhraseQuery`).
    public var contains: String?
    public var filter: PoemFilter
    public var k: Int
    public var method: SearchMethod
    /// The script results are shown in.
    public var script: DisplayScript

    public init(vector: [Float]? = nil, model: String? = nil, text: String? = nil, hybrid: Bool = false,
                contains: String? = nil, filter: PoemFilter = PoemFilter(), k: Int = 10,
                method: SearchMethod = .automatic, script: DisplayScript = .original) {
        self.vector = vector
        self.model = model
        self.text = text
        self.hybrid = hybrid
        self.contains = contains
        self.filter = filter
        self.k = k
        self.method = method
        self.script = script
    }

    /// Rank constant of reciprocal rank fusion (the usual 60).
    static let fusionConstant = 60.0
}
