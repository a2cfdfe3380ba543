import Dispatch
import Foundation
import Synchronization
import TihuaPoetry

/// The in-process peer of the server's load test: the same façade call a
/// route makes, from `concurrency` threads at once, each making its calls
/// one after another (as wrk's connections do), timed per call.
public enum FacadeBenchmark {
    public struct Report: Codable, Sendable, Equatable {
        public let requests: Int
        public let concurrency: Int
        public let rps: Double
        public let p50_ms: Double
        public let p99_ms: Double
    }

    /// Runs `call` `warmup` times, then `requests` times spread over the threads.
    public static func run(requests: Int, concurrency: Int, warmup: Int = 20,
                           _ call: @escaping @Sendable () throws -> Void) throws -> Report {
        for _ in 0..<warmup { try call() }
        let perThread = max(1, requests / concurrency)
        let latencies = Mutex<[Double]>([])
        let failure = Mutex<(any Error)?>(nil)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: concurrency) { _ in
            var mine: [Double] = []
            mine.reserveCapacity(perThread)
            for _ in 0..<perThread {
                let t0 = DispatchTime.now().uptimeNanoseconds
                do { try call() } catch { failure.withLock { $0 = error }; return }
                mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            latencies.withLock { $0 += mine }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let sorted = latencies.withLock { $0 }.sorted()
        return Report(requests: sorted.count, concurrency: concurrency, rps: Double(sorted.count) / seconds,
                      p50_ms: Percentile.nearestRank(sorted, 0.50), p99_ms: Percentile.nearestRank(sorted, 0.99))
    }
}
