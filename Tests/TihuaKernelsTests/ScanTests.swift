import Testing
import TihuaCompute
@testable import TihuaSearch

/// One-query scans over float32, float16 and SQ8 rows, and centroid ranking,
/// against brute force over the decoded vectors.
@Suite struct ScanTests {
    /// Rows encoded in memory, with their float32 decode (what the store
    /// will hold, and what brute force compares with).
    struct Encoded {
        let encoding: VectorEncoding
        let dimension: Int
        let count: Int
        let bytes: [UInt8]
        let decoded: [Float]

        init(_ rows: [Float], dimension: Int, encoding: VectorEncoding) {
            self.encoding = encoding
            self.dimension = dimension
            count = rows.count / dimension
            var bytes = [UInt8](repeating: 0, count: count * encoding.bytesPerRow(dimension: dimension))
            var decoded = [Float](repeating: 0, count: rows.count)
            let n = count
            rows.withUnsafeBufferPointer { r in
                bytes.withUnsafeMutableBytes { b in
                    encoding.encode(r.baseAddress!, count: n, dimension: dimension, into: b.baseAddress!)
                    decoded.withUnsafeMutableBufferPointer {
                        encoding.decode(b.baseAddress!, count: n, dimension: dimension, into: $0.baseAddress!)
                    }
                }
            }
            self.bytes = bytes
            self.decoded = decoded
        }

        /// The scan's answer, with the rows cut into runs of `runRows`
        /// (visited in reverse order: a scan must not depend on it).
        func scan(_ query: [Float], k: Int, parts: Int, runRows: Int? = nil, isa: KernelISA = .best) -> [(score: Float, row: Int)] {
            let prepared = query.withUnsafeBufferPointer { PreparedQuery($0, encoding: encoding, isa: isa) }
            let stride = encoding.bytesPerRow(dimension: dimension)
            return bytes.withUnsafeBytes { b in
                let size = runRows ?? count
                let runs = Swift.stride(from: 0, to: count, by: size).reversed().map {
                    EncodedRows(firstRow: $0, count: min(size, count - $0), base: b.baseAddress! + $0 * stride)
                }
                return OneQueryScan.search(prepared, runs: runs, total: count, k: k, parts: parts)
            }
        }

        /// Exact scores in Double over the decoded rows.
        func bruteForce(_ query: [Float]) -> [Double] {
            (0..<count).map { r in
                (0..<dimension).reduce(0.0) { $0 + Double(query[$1]) * Double(decoded[r * dimension + $1]) }
            }
        }
    }

    static func sq8(_ rows: [Float], _ dimension: Int) -> VectorEncoding {
        .sq8(ScalarQuantizer.train(rows, count: rows.count / dimension, dimension: dimension)!)
    }

    /// `found` is a correct top-k of `exact` scores: each score within `tolerance`
    /// of its row's exact score, best first with ties by lower row, and no row
    /// left out whose exact score beats a kept one's by more than 2·tolerance.
    func expectTopK(_ found: [(score: Float, row: Int)], _ exact: [Double], k: Int, tolerance: Double,
                    _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(found.count == min(k, exact.count), "\(label): \(found.count) results", sourceLocation: sourceLocation)
        for (a, b) in zip(found, found.dropFirst()) {
            #expect(a.score > b.score || (a.score == b.score && a.row < b.row), "\(label): order", sourceLocation: sourceLocation)
        }
        for hit in found {
            #expect(abs(Double(hit.score) - exact[hit.row]) <= tolerance,
                    "\(label): row \(hit.row) scored \(hit.score), exact \(exact[hit.row])", sourceLocation: sourceLocation)
        }
        let kept = Set(found.map(\.row))
        let worstKept = found.map { exact[$0.row] }.min() ?? .infinity
        let missed = exact.indices.filter { !kept.contains($0) && exact[$0] > worstKept + 2 * tolerance }
        #expect(missed.isEmpty, "\(label): rows \(missed.prefix(5)) missed", sourceLocation: sourceLocation)
    }

    @Test(arguments: [37, 64, 512])
    func everyEncodingFindsTheTopKOfItsDecodedVectors(dimension: Int) {
        var rng = SeededRandom(seed: UInt64(dimension))
        // Above OneQueryScan.parallelThreshold at 37 and 64: both cores scan.
        let n = dimension == 512 ? 3000 : 20000
        let rows = rng.unitRows(n, dimension)
        for encoding in [VectorEncoding.float32, .float16, Self.sq8(rows, dimension)] {
            let stored = Encoded(rows, dimension: dimension, encoding: encoding)
            for q in 0..<3 {
                let query = rng.unitRows(1, dimension)
                let exact = stored.bruteForce(query)
                let found = stored.scan(query, k: 10, parts: 2, runRows: 1000)
                // float32/float16: float accumulation; SQ8: also the rewrite
                // bias + Σ w·code instead of Σ q·decode(code).
                expectTopK(found, exact, k: 10, tolerance: 1e-5, "\(encoding.bytesPerComponent)-byte d=\(dimension) q\(q)")
                // Splitting across cores or runs changes nothing, nor does the level.
                let one = stored.scan(query, k: 10, parts: 1)
                #expect(one.map(\.row) == found.map(\.row) && one.map(\.score) == found.map(\.score))
                let portable = stored.scan(query, k: 10, parts: 2, isa: .portable)
                #expect(portable.map(\.row) == found.map(\.row) && portable.map(\.score) == found.map(\.score))
            }
        }
    }

    @Test(arguments: [33, 512])
    func float16ScanEqualsFloat32ScanOverItsDecodedRows(dimension: Int) {
        var rng = SeededRandom(seed: 99)
        let rows = rng.unitRows(4000, dimension)
        let halves = Encoded(rows, dimension: dimension, encoding: .float16)
        let decoded = Encoded(halves.decoded, dimension: dimension, encoding: .float32)
        for _ in 0..<4 {
            let query = rng.unitRows(1, dimension)
            let a = halves.scan(query, k: 50, parts: 2), b = decoded.scan(query, k: 50, parts: 2)
            #expect(a.map(\.row) == b.map(\.row))
            #expect(a.map(\.score.bitPattern) == b.map(\.score.bitPattern))
        }
    }

    @Test func tiesBreakByLowerRowInEveryEncodingAndSplit() {
        // 40 distinct vectors, each stored at 500 rows spread over the whole
        // range: every score is shared by 500 rows on both cores' halves.
        let dimension = 24, distinct = 40, n = 20000
        var rng = SeededRandom(seed: 5)
        let base = rng.unitRows(distinct, dimension)
        var rows = [Float]()
        rows.reserveCapacity(n * dimension)
        for r in 0..<n { rows.append(contentsOf: base[((r * 7) % distinct * dimension)..<((r * 7) % distinct * dimension + dimension)]) }
        let query = rng.unitRows(1, dimension)
        for encoding in [VectorEncoding.float32, .float16, Self.sq8(rows, dimension)] {
            let stored = Encoded(rows, dimension: dimension, encoding: encoding)
            let exact = stored.bruteForce(query)
            let best = exact.max()!
            let expected = exact.indices.filter { exact[$0] == best }.prefix(25)
            for parts in [1, 2] {
                for runRows in [n, 777] {
                    let found = stored.scan(query, k: 25, parts: parts, runRows: runRows)
                    #expect(found.map(\.row) == Array(expected), "parts \(parts), runs of \(runRows)")
                    #expect(Set(found.map(\.score)).count == 1)
                }
            }
        }
    }

    @Test func sq8ScanAgreesWithFAISSIndexScalarQuantizer() throws {
        let d = ReferenceArrays.shape("sq8_unit_train")[1]
        let train = ReferenceArrays.floats("sq8_unit_train")
        let queries = ReferenceArrays.floats("sq8_unit_queries")
        let ids = ReferenceArrays.ints("sq8_unit_faiss_ids"), scores = ReferenceArrays.floats("sq8_unit_faiss_scores")
        let stored = Encoded(train, dimension: d, encoding: Self.sq8(train, d))
        for q in 0..<(queries.count / d) {
            let query = Array(queries[(q * d)..<((q + 1) * d)])
            let found = stored.scan(query, k: 10, parts: 1)
            let exact = stored.bruteForce(query)
            expectTopK(found, exact, k: 10, tolerance: 1e-5, "query \(q)")
            // FAISS's own scores of its hits are the decoded dot products too.
            for j in 0..<10 {
                #expect(abs(Double(scores[q * 10 + j]) - exact[Int(ids[q * 10 + j])]) <= 1e-5)
            }
            let faissKth = Double(scores[q * 10 + 9])
            let agreed = Set(found.map(\.row)).intersection(ids[(q * 10)..<(q * 10 + 10)].map(Int.init))
            let nearTies = found.filter { abs(Double($0.score) - faissKth) <= 2e-5 }.count
            #expect(agreed.count >= 10 - nearTies, "query \(q): \(agreed.count) of 10 shared")
        }
    }

    @Test(arguments: [(37, 300), (512, 1024)])
    func centroidRankingMatchesBruteForce(dimension: Int, lists: Int) {
        var rng = SeededRandom(seed: UInt64(lists))
        var centroids = rng.unitRows(lists, dimension)
        // Two exact duplicates: their tie goes to the lower list.
        for j in 0..<dimension { centroids[(lists - 1) * dimension + j] = centroids[7 * dimension + j] }
        let query = Array(centroids[(7 * dimension)..<(8 * dimension)])
        let ranked = CentroidRanking.rank(query: query, centroids: centroids, lists: lists, dimension: dimension, keep: 16)
        let exact = (0..<lists).map { c in (0..<dimension).reduce(0.0) { $0 + Double(query[$1]) * Double(centroids[c * dimension + $1]) } }
        #expect(ranked.count == 16)
        #expect(ranked.prefix(2) == [7, lists - 1])
        let tolerance = 1e-5
        let worst = ranked.map { exact[$0] }.min()!
        #expect(!(0..<lists).contains { !ranked.contains($0) && exact[$0] > worst + 2 * tolerance })
        let all = CentroidRanking.rank(query: query, centroids: centroids, lists: lists, dimension: dimension, keep: lists + 5)
        #expect(all.count == lists && Set(all).count == lists)
    }
}
