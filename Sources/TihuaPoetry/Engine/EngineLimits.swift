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
    /// GPT-2 keyword guidance, a logit (at 20 every candidate of the tiny test model holds a keyword: KeywordGuidanceTests).
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
    /// Characters (Unicode scalars) of a searched phrase and of each filter
    /// value: longer ones match nothing a poem holds.
    public static let maxPhraseScalars = 256
    /// Dynasties one filter may name.
    public static let maxFilterDynasties = 64
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

    static func checkText(_ name: String, _ text: String) throws(PoetryError) {
        let n = text.unicodeScalars.count
        if n > maxPhraseScalars {
            throw PoetryError(.badInput, "the \(name) is \(n) characters long; at most \(maxPhraseScalars) are searched")
        }
    }

    static func check(_ filter: PoemFilter) throws(PoetryError) {
        try check("dynasties", filter.dynasties.count, 0...maxFilterDynasties)
        for d in filter.dynasties { try checkText("dynasty", d) }
        if let a = filter.author { try checkText("author", a) }
        if let t = filter.titleContains { try checkText("title filter", t) }
    }
}
