/// Bounds on every count a caller gives the façade. They hold before any
/// work starts, so a huge number is refused at once instead of allocating
/// or running for minutes; shells check them too, to word their own errors.
public enum EngineLimits {
    /// Results per query (keywords, poems, images, vectors).
    public static let maxK = 1000
    /// Results of one search call, queries × k: the scores, rows and ids of
    /// ten million hits take about a gigabyte.
    public static let maxSearchResults = 10_000_000
    /// Candidates a generator writes before the rerank: 64 GPT-2 candidates
    /// of the real model decode in about 10 s here, and each is embedded.
    public static let maxCandidates = 64
    /// Keywords in a generation prefix.
    public static let maxPrefixKeywords = 64
    /// GPT-2 keyword guidance (a logit; 20 already makes a keyword's character almost certain).
    public static let maxKeywordBias: Float = 20
    /// IVF lists of one collection (and so lists probed per query).
    public static let maxLists = 65_536
    /// Vectors a k-means is trained on (more than the collection means all of it).
    public static let maxTrainSize = 1 << 24
    /// k-means iterations.
    public static let maxIterations = 1000
    /// Texts per committed batch of `embed`.
    public static let maxEmbedBatch = 8192
    /// Poems per transaction of a poem import.
    public static let maxPoemBatch = 200_000
    /// Vector rows per transaction of a vector import.
    public static let maxVectorBatch = 1 << 22

    /// Nil when `value` is in `range`, else "NAME must be between A and B (got V)".
    public static func problem<T: Comparable & CustomStringConvertible>(_ name: String, _ value: T,
                                                                          _ range: ClosedRange<T>) -> String? {
        range.contains(value) ? nil : "\(name) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))"
    }

    static func check<T: Comparable & CustomStringConvertible>(_ name: String, _ value: T,
                                                                 _ range: ClosedRange<T>) throws(PoetryError) {
        if let problem = problem(name, value, range) { throw PoetryError(.badInput, problem) }
    }
}
