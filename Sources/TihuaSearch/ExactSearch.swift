import TihuaCompute
import TihuaStore

/// Exact top-k by inner product over every stored vector, read in place from
/// the memory map (nothing is copied into process memory).
///
/// One query: a SIMD scan (`DotKernel`) split across the cores, each thread
/// with its own `TopK`, merged at the end; the scan is memory-bound.
/// Several queries: one `sgemm` per block (queries × block rows), then each
/// query's `TopK` is updated from its row of scores; the cores take turns
/// over blocks, each with single-threaded BLAS (see `ComputeBudget`); a
/// collection of one block splits its product instead. Stored rows are
/// scored only through `RowScorer`.
public enum ExactSearch {
    /// Collections below this many rows are scanned on one thread: waking a
    /// second one costs more than it saves.
    static let parallelThreshold = 16384
    /// Queries per `sgemm`: bounds the score buffer (tile × block rows floats).
    static let queryTile = 1024

    /// The `k` best rows for each query (unit vectors of the collection's
    /// dimension; see `SearchValidation`).
    public static func search(_ snapshot: CollectionSnapshot, queries: QueryMatrix, k: Int) throws -> Neighbors {
        let k = try SearchValidation.check(snapshot, queries: queries, k: k)
        var result = Neighbors(queryCount: queries.count, k: k)
        guard let dimension = snapshot.dimension, snapshot.vectorCount > 0 else { return result }
        let encoding = try snapshot.encoding()
        if encoding != .float32 {
            let blocks = try snapshot.encodedBlocks()
            let tops: [TopK]
            if queries.count == 1 {
                // The kernel of the dtype scores the stored bytes in SIMD registers (OneQueryScan).
                let prepared = queries.values.withUnsafeBufferPointer { PreparedQuery($0, encoding: encoding) }
                let runs = blocks.map { EncodedRows(firstRow: $0.firstRow, count: $0.rows, base: $0.bytes) }
                tops = [OneQueryScan.top(prepared, runs: runs, total: snapshot.vectorCount, k: k, parts: Parallel.cores)]
            } else {
                tops = scanBatch(queries: queries, blocks: blocks, encoding: encoding, total: snapshot.vectorCount,
                                 dimension: dimension, k: k)
            }
            for (q, top) in tops.enumerated() { result.set(query: q, top) }
            return result
        }
        let blocks = try snapshot.blocks()
        let tops: [TopK]
        if queries.count == 1 {
            tops = queries.values.withUnsafeBufferPointer {
                [scanOne(query: $0.baseAddress!, blocks: blocks, total: snapshot.vectorCount, dimension: dimension, k: k)]
            }
        } else {
            tops = scanBatch(queries: queries, blocks: blocks, total: snapshot.vectorCount, dimension: dimension, k: k)
        }
        for (q, top) in tops.enumerated() { result.set(query: q, top) }
        return result
    }

    // MARK: One query

    static func scanOne(query: UnsafePointer<Float>, blocks: [VectorBlock], total: Int, dimension: Int, k: Int) -> TopK {
        let parts = total >= parallelThreshold ? Parallel.cores : 1
        let partial = (0..<parts).map { _ in Box(TopK(k: min(k, total))) }
        Parallel.forEachChunk(count: total, parts: parts) { part, range in
            let box = partial[part]
            withUnsafeTemporaryAllocation(of: Float.self, capacity: strip) { buffer in
                for block in blocks {
                    var row = max(range.lowerBound, block.firstRow)
                    let hi = min(range.upperBound, block.firstRow + block.rows)
                    while row < hi {
                        let n = min(strip, hi - row)
                        RowScorer.scoreOne(query: query, rows: block.vectors + (row - block.firstRow) * dimension,
                                           count: n, dimension: dimension, into: buffer.baseAddress!)
                        box.value.offer(buffer.baseAddress!, count: n, firstRow: row)
                        row += n
                    }
                }
            }
        }
        var top = partial[0].value
        for p in partial.dropFirst() { top.merge(p.value) }
        return top
    }

    /// Rows scored per call of the kernel before selection.
    static let strip = 256

    /// Offers `count` consecutive rows' scores to `top` (kept for callers
    /// of this name; see `TopK.offer`).
    @inline(__always)
    static func select(_ scores: UnsafePointer<Float>, count: Int, firstRow: Int, into top: inout TopK) {
        top.offer(scores, count: count, firstRow: firstRow)
    }

    // MARK: A batch

    /// Scores one block against the queries `tile` at a time (`score(q0, m)`
    /// writes queries q0..<q0+m × the block's rows into `scores`) and offers
    /// each query's row of scores to its top-k.
    @inline(__always)
    static func scoreInTiles(queryCount n: Int, tile: Int, rows: Int, firstRow: Int, scores: UnsafeMutablePointer<Float>,
                             into tops: Box<[TopK]>, score: (_ q0: Int, _ m: Int) -> Void) {
        var q0 = 0
        while q0 < n {
            let m = min(tile, n - q0)
            score(q0, m)
            for i in 0..<m { tops.value[q0 + i].offer(scores + i * rows, count: rows, firstRow: firstRow) }
            q0 += m
        }
    }

    /// The per-worker top-k lists merged into one per query.
    static func merged(_ partial: [Box<[TopK]>], queryCount n: Int) -> [TopK] {
        var tops = partial[0].value
        for p in partial.dropFirst() {
            for i in 0..<n { tops[i].merge(p.value[i]) }
        }
        return tops
    }

    static func scanBatch(queries: QueryMatrix, blocks: [VectorBlock], total: Int, dimension: Int, k: Int) -> [TopK] {
        let n = queries.count
        let kept = min(k, total)
        let parts = total >= parallelThreshold ? min(Parallel.cores, blocks.count) : 1
        let partial = (0..<parts).map { _ in Box((0..<n).map { _ in TopK(k: kept) }) }
        let maxRows = blocks.map(\.rows).max() ?? 0
        // Small dimensions have long blocks: keep the buffer near 16 MiB.
        let tile = min(n, queryTile, max(1, (4 << 20) / max(1, maxRows)))
        queries.values.withUnsafeBufferPointer { qv in
            let q = qv.baseAddress!
            Parallel.forEachChunk(count: blocks.count, parts: parts) { part, range in
                let box = partial[part]
                var scores = [Float](repeating: 0, count: tile * maxRows)
                scores.withUnsafeMutableBufferPointer { s in
                    for block in blocks[range] {
                        scoreInTiles(queryCount: n, tile: tile, rows: block.rows, firstRow: block.firstRow,
                                     scores: s.baseAddress!, into: box) { q0, m in
                            if parts == 1 {
                                // One part (a small collection): split the product instead.
                                BLAS.sgemm(m: m, n: block.rows, k: dimension, a: q + q0 * dimension, lda: dimension,
                                           b: block.vectors, ldb: dimension, bTransposed: true,
                                           c: s.baseAddress!, ldc: block.rows, threads: Parallel.cores)
                            } else {
                                RowScorer.scoreMany(queries: q + q0 * dimension, queryCount: m, rows: block.vectors,
                                                    count: block.rows, dimension: dimension, into: s.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return merged(partial, queryCount: n)
    }
}

extension ExactSearch {
    /// A batch over compressed rows: each block is decoded into a float32
    /// scratch once per worker and scored by one `sgemm` per query tile (the
    /// decode is paid once for the whole batch; a direct kernel per query
    /// would read the block once per query).
    static func scanBatch(queries: QueryMatrix, blocks: [EncodedBlock], encoding: VectorEncoding, total: Int,
                          dimension: Int, k: Int) -> [TopK] {
        let n = queries.count
        let kept = min(k, total)
        let parts = total >= parallelThreshold ? min(Parallel.cores, blocks.count) : 1
        let partial = (0..<parts).map { _ in Box((0..<n).map { _ in TopK(k: kept) }) }
        let maxRows = blocks.map(\.rows).max() ?? 0
        let tile = min(n, queryTile, max(1, (4 << 20) / max(1, maxRows)))
        queries.values.withUnsafeBufferPointer { qv in
            let q = qv.baseAddress!
            Parallel.forEachChunk(count: blocks.count, parts: parts) { part, range in
                let box = partial[part]
                var scores = [Float](repeating: 0, count: tile * maxRows)
                var decoded = [Float](repeating: 0, count: maxRows * dimension)
                scores.withUnsafeMutableBufferPointer { s in
                    decoded.withUnsafeMutableBufferPointer { d in
                        for block in blocks[range] {
                            encoding.decode(block.bytes, count: block.rows, dimension: dimension, into: d.baseAddress!)
                            scoreInTiles(queryCount: n, tile: tile, rows: block.rows, firstRow: block.firstRow,
                                         scores: s.baseAddress!, into: box) { q0, m in
                                BLAS.sgemm(m: m, n: block.rows, k: dimension, a: q + q0 * dimension, lda: dimension,
                                           b: d.baseAddress!, ldb: dimension, bTransposed: true,
                                           c: s.baseAddress!, ldc: block.rows, threads: parts == 1 ? Parallel.cores : 1)
                            }
                        }
                    }
                }
            }
        }
        return merged(partial, queryCount: n)
    }
}

/// A mutable value owned by one worker thread of a parallel loop.
final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
