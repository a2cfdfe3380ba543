import TihuaStore

/// Checks shared by every search entry point; each failure is one line
/// naming the collection.
enum SearchValidation {
    static func check(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int) throws {
        guard k >= 1 else {
            throw SearchError(.invalidArgument, "k must be at least 1 (got \(k)) to search collection '\(snapshot.name)'")
        }
        if let d = snapshot.dimension, d != queries.dimension {
            throw SearchError(.dimensionMismatch,
                              "collection '\(snapshot.name)' holds \(d)-dimensional vectors but the queries have \(queries.dimension) dimensions")
        }
    }
}
