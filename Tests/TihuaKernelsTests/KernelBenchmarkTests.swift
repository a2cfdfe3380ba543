import Testing
import TihuaBench
import TihuaFormats
import TihuaCompute
import TihuaStore
import TihuaTestSupport

/// `tihua bench kernels` at a tiny size: the exported .npy files read back
/// exactly, and every encoding's answers are right (float32 the brute
/// force's up to float rounding, the compressed ones nearly).
@Suite struct KernelBenchmarkTests {
    @Test func exportsDataAndMeasuresRightAnswers() throws {
        let dir = TemporaryFolder()
        var options = KernelBenchmark.Options()
        options.rows = 3000
        options.dimension = 40
        options.latent = 6
        options.queries = 12
        options.k = 5
        options.repetitions = 2
        options.lists = [64, 5000]  // 5000 > rows: skipped
        options.rankingQueries = 10
        options.includeRows = true
        try KernelBenchmark.export(options, to: dir.path)
        let generated = try KernelBenchmark.data(options)
        let base = try NPYFile(path: dir.file("base.npy")), queries = try NPYFile(path: dir.file("queries.npy"))
        #expect(base.rows == 3000 && base.columns == 40 && queries.rows == 12 && queries.columns == 40)
        var read = [Float](repeating: .nan, count: 3000 * 40)
        try read.withUnsafeMutableBufferPointer { try base.readRows(0, count: 3000, into: $0.baseAddress!) }
        #expect(read == generated.rows)

        options.vectorsPath = dir.file("base.npy")
        options.queriesPath = dir.file("queries.npy")
        let report = try KernelBenchmark.run(options)
        #expect(report.rows == 3000 && report.dimension == 40 && report.queries == 12)
        #expect(report.scans.map(\.encoding) == ["float32", "float16", "int8"])
        #expect(report.scans.map(\.bytesPerVector) == [160, 80, 40])
        #expect(report.rankings.map(\.lists) == [64])
        #expect(report.rankings.allSatisfy { $0.simdMicroseconds.count == 2 && $0.sgemmMicroseconds.count == 2 })
        for scan in report.scans { #expect(scan.qps.count == 2 && scan.qps.allSatisfy { $0 > 0 }) }

        let d = 40
        for q in 0..<12 {
            let query = generated.queries[(q * d)..<((q + 1) * d)]
            let exact = (0..<3000).map { r in
                zip(query, generated.rows[(r * d)..<((r + 1) * d)]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let truth = exact.indices.sorted { exact[$0] > exact[$1] || (exact[$0] == exact[$1] && $0 < $1) }.prefix(5)
            let fifth = exact[truth.last!]
            let f32 = try #require(report.scans[0].rows)[q]
            #expect(f32.count == 5 && f32.allSatisfy { exact[$0] >= fifth - 1e-5 }, "query \(q)")
            for scan in report.scans.dropFirst() {
                let found = try #require(scan.rows)[q]
                #expect(Set(found).intersection(truth).count >= 3, "\(scan.encoding) query \(q)")
            }
        }
    }

    @Test func refusesVectorsWithoutQueries() {
        var options = KernelBenchmark.Options()
        options.vectorsPath = "/nonexistent.npy"
        #expect(throws: (any Error).self) { try KernelBenchmark.data(options) }
    }
}
