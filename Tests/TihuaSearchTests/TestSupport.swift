import Foundation
@_exported import TihuaTestSupport
import TihuaCompute
import TihuaSearch
import TihuaStore


typealias TestRandom = SeededRandom

extension SeededRandom {
    /// Points around `clusters` random centres (spread `noise`).
    mutating func clustered(_ count: Int, _ dimension: Int, clusters: Int, noise: Float) -> [Float] {
        let centres = vectors(clusters, dimension)
        var out: [Float] = []
        out.reserveCapacity(count * dimension)
        for _ in 0..<count {
            let c = Int.random(in: 0..<clusters, using: &self)
            for j in 0..<dimension { out.append(centres[c * dimension + j] + noise * gaussian()) }
        }
        return out
    }
}

/// L2-normalised copies of rows.
func unitRows(_ values: [Float], _ dimension: Int) -> [Float] {
    var v = values
    v.withUnsafeMutableBufferPointer { b in
        for r in 0..<(values.count / dimension) {
            let row = b.baseAddress! + r * dimension
            let n = (0..<dimension).reduce(0.0) { $0 + Double(row[$1]) * Double(row[$1]) }.squareRoot()
            for j in 0..<dimension { row[j] = Float(Double(row[j]) / n) }
        }
    }
    return v
}

/// Adds vectors (normalised here) with ids `prefix0, prefix1, …` in one update.
@discardableResult
func addVectors(_ index: TihuaIndex, _ name: String, _ values: [Float], dimension: Int, prefix: String = "v") throws -> Collection {
    let c = try index.prepareCollection(name)
    let unit = unitRows(values, dimension)
    let count = values.count / dimension
    try index.write(c) { w in
        try unit.withUnsafeBufferPointer {
            try w.addVectors(ids: (0..<count).map { "\(prefix)\($0)" }, vectors: $0.baseAddress!, dimension: dimension)
        }
    }
    return c
}

/// Every stored vector of a collection, copied (for reference searches).
func storedVectors(_ index: TihuaIndex, _ c: Collection) throws -> [Float] {
    try index.read { txn in
        var all: [Float] = []
        let s = try txn.snapshot(c)
        for b in try s.blocks() { all += UnsafeBufferPointer(start: b.vectors, count: b.rows * (s.dimension ?? 0)) }
        return all
    }
}

/// Brute force in Double: the k best (row, score) of each query, score
/// descending then row ascending.
func reference(_ stored: [Float], _ queries: QueryMatrix, k: Int) -> [[(row: Int, score: Double)]] {
    let d = queries.dimension
    let n = stored.count / d
    return (0..<queries.count).map { q in
        let scores = (0..<n).map { r in
            (row: r, score: (0..<d).reduce(0.0) { $0 + Double(stored[r * d + $1]) * Double(queries.values[q * d + $1]) })
        }
        return Array(scores.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
    }
}

extension TihuaIndex {
    /// A published, empty collection.
    func makeCollection(_ name: String) throws -> Collection {
        let c = try prepareCollection(name)
        try write(c) { _ in }
        return c
    }
}
