import TihuaCompute
import TihuaStore

/// Turns rows into hits with their external ids, looked up in the snapshot.
enum IDResolver {
    /// Hits looked up per core before a batch is worth sharing.
    static let parallelThreshold = 2048

    static func hits(_ found: Neighbors, _ snapshot: CollectionSnapshot) throws -> [[SearchHit]] {
        let perQuery = (0..<found.queryCount).map { found.hits(query: $0) }
        let total = perQuery.reduce(0) { $0 + $1.count }
        guard total >= parallelThreshold, let first = perQuery.first(where: { !$0.isEmpty })?.first else {
            return try perQuery.map { try $0.map { SearchHit(row: $0.row, id: try snapshot.id(ofRow: $0.row), score: $0.score) } }
        }
        // The first lookup in this thread lets LMDB resolve the database
        // before the workers share the transaction.
        _ = try snapshot.id(ofRow: first.row)
        let results = (0..<found.queryCount).map { _ in Box<[SearchHit]>([]) }
        let failure = (0..<Parallel.cores).map { _ in Box<Error?>(nil) }
        Parallel.forEachChunk(count: found.queryCount) { part, range in
            do {
                for q in range {
                    results[q].value = try perQuery[q].map {
                        SearchHit(row: $0.row, id: try snapshot.id(ofRow: $0.row), score: $0.score)
                    }
                }
            } catch { failure[part].value = error }
        }
        if let error = failure.compactMap(\.value).first { throw error }
        return results.map(\.value)
    }
}
