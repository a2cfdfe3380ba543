import Testing
import TihuaBench

@Suite struct PercentileTests {
    @Test func nearestRank() {
        let ten = (1...10).map(Double.init)
        #expect(Percentile.nearestRank(ten, 0.50) == 5)
        #expect(Percentile.nearestRank(ten, 0.99) == 10)
        #expect(Percentile.nearestRank(ten, 0.10) == 1)
        #expect(Percentile.nearestRank(ten, 0) == 1)
        let hundred = (1...200).map(Double.init)
        #expect(Percentile.nearestRank(hundred, 0.99) == 198)
        #expect(Percentile.nearestRank([7], 0.5) == 7)
        #expect(Percentile.nearestRank([], 0.5) == 0)
    }
}
