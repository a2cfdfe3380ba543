/// The vector rows a search may return: a bitmap over a collection's rows
/// (what a metadata filter or a phrase left), with their count.
public struct RowFilter: Sendable, Equatable {
    /// Rows the bitmap covers: the collection's `vectorCount` when it was made.
    public let rowCount: Int
    /// Rows allowed.
    public private(set) var allowed = 0
    private var bits: [UInt64]

    /// A filter allowing `rows` (rows outside 0..<rowCount are ignored).
    public init(rows: some Sequence<Int>, rowCount: Int) {
        self.rowCount = max(0, rowCount)
        bits = [UInt64](repeating: 0, count: (self.rowCount + 63) / 64)
        for row in rows where row >= 0 && row < self.rowCount {
            let word = row >> 6, bit = UInt64(1) << UInt64(row & 63)
            if bits[word] & bit == 0 {
                bits[word] |= bit
                allowed += 1
            }
        }
    }

    @inline(__always)
    public func contains(_ row: Int) -> Bool {
        row >= 0 && row < rowCount && bits[row >> 6] >> UInt64(row & 63) & 1 == 1
    }

    /// The allowed rows, ascending.
    public var rows: [Int] {
        var out: [Int] = []
        out.reserveCapacity(allowed)
        for (w, word) in bits.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                out.append(w << 6 | rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return out
    }

    /// The share of the rows allowed (0 for an empty collection).
    public var selectivity: Double { rowCount == 0 ? 0 : Double(allowed) / Double(rowCount) }
}
