import TihuaCompute
import TihuaStore

/// Turns rows into hits with their external ids, looked up in the snapshot.
enum IDResolver {
    /// Hits looked up per core before a batch is worth sharing.
    static let parallelThreshold = 2048

    static func hits(_ found: Neighbors, _ snapshot: CollectionSnapshot) throws -> [[SearchHit]] {
        let perQuery = (0..<found.queryCount).map { found.hits(query: $0) }
        let total = perQuery.reduce(0) { $0 + $1.count }
        guard total >= parallelThreshold else {
            return try perQuery.map { try $0.map { SearchHit(row: $0.row, id: try snapshot.id(ofRow: $0.row), score: $0.score) } }
        }
        let results = (0..<found.queryCount).map { _ in Box<[SearchHit]>([]) }
        try snapshot.inParallel(count: found.queryCount) { snapshot, _, range in
            for q in range {
                results[q].value = try perQuery[q].map {
                    SearchHit(row: $0.row, id: try snapshot.id(ofRow: $0.row), score: $0.score)
                }
            }
        }
        return results.map(\.value)
    }
}
