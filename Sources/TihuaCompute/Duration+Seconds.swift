extension Duration {
    /// The duration in seconds, as a Double (for reports and benchmarks).
    package var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
