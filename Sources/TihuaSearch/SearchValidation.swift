import TihuaStore

/// Checks shared by every search entry point; each failure is one line
/// naming the collection.
enum SearchValidation {
    /// Checks `k` and the queries' dimension, and returns the number of
    /// results each query can have: `k`, or every vector when the collection
    /// holds fewer (a huge `k` never allocates `k` of anything).
    static func check(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int) throws -> Int {
        guard k >= 1 else {
            throw SearchError(.invalidArgument, "k must be at least 1 (got \(k)) to search collection '\(snapshot.name)'")
        }
        if let d = snapshot.dimension, d != queries.dimension {
            throw SearchError(.dimensionMismatch,
                              "collection '\(snapshot.name)' holds \(d)-dimensional vectors but the queries have \(queries.dimension) dimensions")
        }
        let kept = min(k, snapshot.vectorCount)
        guard !queries.count.multipliedReportingOverflow(by: kept).overflow else {
            throw SearchError(.invalidArgument, "\(queries.count) queries × \(kept) results of collection '\(snapshot.name)' are more than can be held")
        }
        return kept
    }
}
