import TihuaBench
import ArgumentParser
import Foundation
import TihuaCompute

struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Measure the float32/float16/int8 scan kernels and IVF centroid ranking in memory.",
        discussion: """
            Exact search of one query at a time over the same rows stored as float32, float16 \
            and int8 (SQ8 with per-dimension ranges trained on all rows), in memory, split \
            across the cores; then the ranking of --lists centroids for one query by the SIMD \
            kernel (one core, two cores) and by a one-row sgemm. The encodings take turns in \
            each repetition; medians are reported. Data: --vectors/--queries .npy files, or \
            unit vectors of low intrinsic dimension generated in memory (--export writes \
            those as base.npy and queries.npy and stops). Tools/bench/kernels_vs_faiss.py \
            runs this beside FAISS. Use a release build.
            """)

    @Option(help: "A .npy file of database vectors (else generated).") var vectors: String?
    @Option(help: "A .npy file of query vectors (with --vectors).") var queries: String?
    @Option(parsing: .unconditional, help: "Generated database rows.") var n = 110_000
    @Option(parsing: .unconditional, help: "Generated dimension.") var dim = 512
    @Option(parsing: .unconditional, help: "Intrinsic dimension of generated vectors.") var latent = 48
    @Option(parsing: .unconditional, help: "Generated queries (all are searched, one at a time).") var queryCount = 200
    @Option(parsing: .unconditional, help: "Results per query.") var k = 10
    @Option(parsing: .unconditional, help: "Repetitions (medians are reported).") var reps = 5
    @Option(help: "Comma-separated centroid counts to rank (empty: skip).") var lists = "1024,2048,4096"
    @Option(parsing: .unconditional, help: "Lists kept when ranking centroids.") var probes = 64
    @Option(parsing: .unconditional, help: "Queries per timed centroid-ranking pass.") var rankingQueries = 2000
    @Option(help: "Kernel level: best or portable.") var isa = "best"
    @Option(help: "Write the generated data as base.npy and queries.npy in this folder, then stop.") var export: String?
    @Flag(help: "Include every query's result rows in the JSON (for recall).") var includeRows = false
    @Flag(help: "Measure only the centroid ranking.") var skipScans = false
    @OptionGroup var output: OutputOptions

    func parsedLists() throws -> [Int] {
        if lists.isEmpty { return [] }
        var values: [Int] = []
        for part in lists.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--lists must be comma-separated counts (got '\(part)')")
            }
            try checkFlag("--lists", value, 1...(1 << 20))
            values.append(value)
        }
        return values
    }

    func validate() throws {
        try checkFlag("--n", n, 1...100_000_000)
        try checkFlag("--dim", dim, 1...65536)
        try checkFlag("--latent", latent, 1...4096)
        try checkFlag("--query-count", queryCount, 1...1_000_000)
        try checkFlag("--k", k, kRange)
        try checkFlag("--reps", reps, 1...1000)
        try checkFlag("--probes", probes, 1...(1 << 20))
        try checkFlag("--ranking-queries", rankingQueries, 1...10_000_000)
        guard isa == "best" || isa == "portable" else { throw ValidationError("--isa must be best or portable") }
        if (vectors == nil) != (queries == nil) { throw ValidationError("--vectors and --queries go together") }
        _ = try parsedLists()
    }

    func run() throws {
        var options = KernelBenchmark.Options()
        options.vectorsPath = vectors
        options.queriesPath = queries
        options.rows = n
        options.dimension = dim
        options.latent = latent
        options.queries = queryCount
        options.k = k
        options.repetitions = reps
        options.lists = try parsedLists()
        options.probes = probes
        options.rankingQueries = rankingQueries
        options.isa = isa == "portable" ? .portable : .best
        options.includeRows = includeRows
        options.scans = !skipScans
        if let export {
            try KernelBenchmark.export(options, to: export) { printNote("… \($0)") }
            return
        }
        let report = try KernelBenchmark.run(options) { printNote("… \($0)") }
        if output.json {
            try printJSONLine(report)
            return
        }
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        printLine("\(report.rows) × \(report.dimension), \(report.queries) queries one at a time, k \(report.k), "
                  + "\(report.isa), \(report.cores) cores, median of \(report.repetitions)")
        for scan in report.scans {
            printLine("\(scan.encoding.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f(scan.medianQPS)) q/s  "
                      + "\(f(scan.medianMilliseconds, 2)) ms  \(f(scan.medianGBPerSecond)) GB/s  (\(scan.bytesPerVector) B/vector)")
        }
        printLine("encode float16 \(f(report.float16EncodeSeconds, 3)) s, SQ8 train \(f(report.sq8TrainSeconds, 3)) s, "
                  + "encode \(f(report.sq8EncodeSeconds, 3)) s")
        for r in report.rankings {
            printLine("rank \(r.lists) centroids: SIMD \(f(r.medianSIMD)) µs, SIMD on 2 cores \(f(r.medianSIMDTwoCores)) µs, "
                      + "1-row sgemm \(f(r.medianSGEMM)) µs")
        }
    }
}
