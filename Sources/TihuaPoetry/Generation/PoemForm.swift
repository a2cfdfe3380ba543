/// The shape of a regular poem: lines of 5 or 7 characters, 4 or 8 lines.
public struct PoemForm: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Characters a line; nil lets the first line decide (5 or 7).
    public var lineLength: Int?
    public var lines: Int

    public init(lineLength: Int?, lines: Int) {
        precondition(lineLength == nil || lineLength == 5 || lineLength == 7, "a line has 5 or 7 characters")
        precondition(lines == 4 || lines == 8, "a poem has 4 or 8 lines")
        self.lineLength = lineLength
        self.lines = lines
    }

    /// A quatrain whose line length the generator chooses.
    public static let quatrain = PoemForm(lineLength: nil, lines: 4)

    /// `5x4`, `7x4`, `5x8` or `7x8`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "x")
        guard parts.count == 2, let n = Int(parts[0]), let l = Int(parts[1]), [5, 7].contains(n), [4, 8].contains(l) else { return nil }
        self.init(lineLength: n, lines: l)
    }

    public static let names = ["5x4", "7x4", "5x8", "7x8"]

    public var description: String { "\(lineLength.map(String.init) ?? "5|7")x\(lines)" }

    /// Whether `poem` has this form (a free line length accepts 5 or 7, the same for every line).
    public func admits(_ poem: GeneratedPoem) -> Bool {
        poem.isWellFormed(lineCount: lines) && (lineLength == nil || poem.lines.first?.text.count == lineLength)
    }
}
