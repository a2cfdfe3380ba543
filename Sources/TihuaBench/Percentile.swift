import Foundation
/// The one percentile of the benchmarks: nearest rank. The p-th percentile
/// of n sorted values is the value at rank ⌈p·n⌉ (1-based), so the p50 of
/// an even count is the lower middle value and the p99 of fewer than 100
/// values is the largest.
package enum Percentile {
    package static func nearestRank(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// p50 and p99 in milliseconds of `count` calls after one warm-up call.
    static func latencies(_ count: Int, _ body: (Int) throws -> Void) throws -> (p50: Double, p99: Double) {
        try body(0)
        var times: [Double] = []
        for q in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            try body(q)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return (nearestRank(times, 0.50), nearestRank(times, 0.99))
    }
}
