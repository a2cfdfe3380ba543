import TihuaCompute
import TihuaStore

/// Re-scores the candidates of a compressed search against float32: the
/// collection's own vectors when it stores float32, its float32 copies when
/// it keeps them (an error otherwise). Each query's candidates are scored in
/// Double-free float32 by the same kernel as the float32 scan and ordered
/// by (score descending, row ascending).
enum Rerank {
    static func apply(_ found: Neighbors, _ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int) throws -> Neighbors {
        let d = queries.dimension
        var result = Neighbors(queryCount: found.queryCount, k: min(k, found.k))
        try queries.values.withUnsafeBufferPointer { q in
            for query in 0..<found.queryCount {
                var top = TopK(k: result.k)
                for (row, _) in found.hits(query: query) {
                    let score = try snapshot.withFloat32Copy(row: row) { DotKernel.score1(q.baseAddress! + query * d, $0, d) }
                    withUnsafePointer(to: score) { top.offer($0, count: 1, firstRow: row) }
                }
                result.set(query: query, top)
            }
        }
        return result
    }
}
