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
}
