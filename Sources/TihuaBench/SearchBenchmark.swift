import TihuaStore
import TihuaSearch
import TihuaModels
import Foundation

/// Throughput and latency of searches, measured warm and in-process.
public struct SearchBenchmark: Sendable {
    public struct Result: Sendable, Codable, Equatable {
        public let queries: Int
        public let batch: Int
        /// Queries answered per second over the timed pass.
        public let qps: Double
        /// Median and 99th-percentile latency of one call (`batch` queries).
        public let p50_ms: Double
        public let p99_ms: Double
    }

    public let search: VectorSearch
    public let k: Int
    public let method: SearchMethod
    /// Resolve result ids as `tihua search` does (true) or stop at rows.
    public var resolveIDs = true

    public init(search: VectorSearch, k: Int, method: SearchMethod) {
        self.search = search
        self.k = k
        self.method = method
    }

    /// Sends `queries` in calls of `batch` queries: one untimed pass to warm
    /// the page cache, the mappings and the allocator, then a timed pass.
    public func run(_ queries: QueryMatrix, batch: Int) throws -> Result {
        guard batch >= 1 else { throw SearchError(.invalidArgument, "batch must be at least 1 (got \(batch))") }
        guard queries.count > 0 else { throw SearchError(.invalidArgument, "no queries to benchmark") }
        let calls = stride(from: 0, to: queries.count, by: batch).map {
            queries.slice($0..<min($0 + batch, queries.count))
        }
        for call in calls { try once(call) }
        let clock = ContinuousClock()
        var latencies: [Double] = []
        latencies.reserveCapacity(calls.count)
        let start = clock.now
        for call in calls {
            let t = clock.now
            try once(call)
            latencies.append((clock.now - t).seconds * 1e3)
        }
        let total = (clock.now - start).seconds
        latencies.sort()
        return Result(queries: queries.count, batch: batch, qps: Double(queries.count) / total,
                      p50_ms: Percentile.nearestRank(latencies, 0.50), p99_ms: Percentile.nearestRank(latencies, 0.99))
    }

    private func once(_ queries: QueryMatrix) throws {
        if resolveIDs {
            _ = try search.search(queries, k: k, method: method)
        } else {
            _ = try search.neighbors(queries, k: k, method: method)
        }
    }
}
