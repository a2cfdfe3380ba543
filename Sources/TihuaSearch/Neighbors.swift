import TihuaCompute

/// The raw answer to a batch of queries, FAISS style: `queryCount × k`
/// scores and rows, row-major, best first. `k` is the number asked for, or
/// the collection's size when that is smaller (a huge k never allocates k
/// slots). A query with fewer than `k` hits (few rows in the probed lists)
/// has row −1 and score −∞ in its trailing slots.
public struct Neighbors: Sendable, Equatable {
    public let queryCount: Int
    public let k: Int
    public internal(set) var scores: [Float]
    public internal(set) var rows: [Int]

    init(queryCount: Int, k: Int) {
        self.queryCount = queryCount
        self.k = k
        scores = [Float](repeating: -.infinity, count: queryCount * k)
        rows = [Int](repeating: -1, count: queryCount * k)
    }

    /// Stores a query's selection, best first.
    mutating func set(query: Int, _ top: TopK) {
        for (rank, hit) in top.sorted().enumerated() {
            scores[query * k + rank] = hit.score
            rows[query * k + rank] = hit.row
        }
    }

    /// The (row, score) hits of query `q`, best first.
    public func hits(query q: Int) -> [(row: Int, score: Float)] {
        (0..<k).compactMap { r in
            let row = rows[q * k + r]
            return row < 0 ? nil : (row, scores[q * k + r])
        }
    }
}

/// One search result: a vector row, the external id stored with it, and its
/// cosine similarity to the query.
public struct SearchHit: Sendable, Equatable {
    public let row: Int
    public let id: String
    public let score: Float

    public init(row: Int, id: String, score: Float) {
        self.row = row
        self.id = id
        self.score = score
    }
}
