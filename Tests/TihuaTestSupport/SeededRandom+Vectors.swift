import TihuaCompute

extension SeededRandom {
    /// `count × dimension` standard normal values, row-major.
    public mutating func vectors(_ count: Int, _ dimension: Int) -> [Float] {
        (0..<(count * dimension)).map { _ in gaussian() }
    }
}
