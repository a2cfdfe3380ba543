import Dispatch
import Synchronization
import Testing
@testable import TihuaCompute

@Suite struct ComputeBudgetTests {
    @Test func passesTimesThreadsNeverExceedTheCores() {
        let c = ComputeBudget.configuration
        #expect(c.concurrentPasses >= 1 && c.threadsPerPass >= 1)
        #expect(c.concurrentPasses * c.threadsPerPass <= ComputeBudget.cores)
        #expect(ComputeBudget.threadsPerPass == c.threadsPerPass)
    }

    @Test func configurationIsCheckedAndFixedOnceInUse() {
        #expect(throws: ComputeBudget.ConfigurationError.self) { try ComputeBudget.configure(concurrentPasses: 0) }
        #expect(throws: ComputeBudget.ConfigurationError.self) {
            try ComputeBudget.configure(concurrentPasses: ComputeBudget.cores + 1)
        }
        let current = ComputeBudget.configuration  // in use from now on
        #expect(throws: Never.self) { try ComputeBudget.configure(concurrentPasses: current.concurrentPasses) }
        if ComputeBudget.cores > 1 {
            let other = current.concurrentPasses == 1 ? 2 : 1
            #expect(throws: ComputeBudget.ConfigurationError.self) { try ComputeBudget.configure(concurrentPasses: other) }
        }
    }

    @Test func noMorePassesRunAtOnceThanTheBudgetAllows() {
        let limit = ComputeBudget.configuration.concurrentPasses
        let running = Atomic<Int>(0), most = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<20 {
                ComputeBudget.forwardPass {
                    let now = running.add(1, ordering: .sequentiallyConsistent).newValue
                    _ = most.max(now, ordering: .sequentiallyConsistent)
                    // A pass inside a pass runs within the outer permit (no deadlock).
                    ComputeBudget.forwardPass { _ = (0..<500).reduce(0, +) }
                    running.subtract(1, ordering: .sequentiallyConsistent)
                }
            }
        }
        #expect(most.load(ordering: .sequentiallyConsistent) >= 1)
        #expect(most.load(ordering: .sequentiallyConsistent) <= limit)
    }

    /// Splitting a product into panels only partitions C: every element is
    /// the single-threaded product's, to float rounding (OpenBLAS's kernels
    /// may order a panel's edge differently).
    @Test func aSplitProductEqualsTheSingleThreadedOne() {
        var rng = SeededRandom(seed: 3)
        for (m, n, k, transposed) in [(300, 700, 96, true), (700, 40, 128, true), (128, 1000, 64, false), (3, 5, 7, true)] {
            let a = (0..<(m * k)).map { _ in rng.gaussian() }
            let b = (0..<(n * k)).map { _ in rng.gaussian() }
            let start = (0..<(m * n)).map { _ in rng.gaussian() }
            var one = start, split = start
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    let ldb = transposed ? k : n
                    one.withUnsafeMutableBufferPointer {
                        BLAS.sgemm(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: ldb,
                                   bTransposed: transposed, c: $0.baseAddress!, ldc: n, alpha: 0.5, beta: 1)
                    }
                    split.withUnsafeMutableBufferPointer {
                        BLAS.sgemm(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: ldb,
                                   bTransposed: transposed, c: $0.baseAddress!, ldc: n, alpha: 0.5, beta: 1, threads: 4)
                    }
                }
            }
            let worst = zip(one, split).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
            #expect(worst < 1e-5, "\(m)×\(n)×\(k): relative difference \(worst)")
        }
    }

    @Test func topKKeepsTheBestWithTiesByLowerRow() {
        var top = TopK(k: 3)
        let scores: [Float] = [0.5, 0.9, 0.1, 0.9, 0.7, 0.3, 0.9, 0.2, 0.8]
        scores.withUnsafeBufferPointer { top.offer($0.baseAddress!, count: scores.count, firstRow: 10) }
        #expect(top.sorted().map(\.row) == [11, 13, 16])
    }
}
