import TihuaCompute

/// Aligns rows of cells into columns for people to read; numbers right-aligned.
enum TextTable {
    static func align(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - displayWidth(cell))
                return Double(cell) != nil ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingSuffixSpaces()
        }
    }

    /// Terminal columns: CJK and other wide characters take two (`CJK.isWide`).
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { width, u in width + (CJK.isWide(u.value) ? 2 : 1) }
    }
}

private extension String {
    func trimmingSuffixSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
