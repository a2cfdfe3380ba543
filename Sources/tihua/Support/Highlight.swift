/// Marks the matched parts of a line: bold red on a terminal, 【…】 when
/// the output goes to a file or a pipe.
struct Highlight {
    let open: String
    let close: String

    init(terminal: Bool) {
        (open, close) = terminal ? ("\u{1B}[1;31m", "\u{1B}[0m") : ("【", "】")
    }

    /// `line` with each of `ranges` (Unicode scalar offsets, ascending) marked.
    func apply(_ line: String, _ ranges: [Range<Int>]) -> String {
        guard !ranges.isEmpty else { return line }
        let scalars = Array(line.unicodeScalars)
        var out = String.UnicodeScalarView()
        var at = 0
        for r in ranges where r.lowerBound >= at && r.upperBound <= scalars.count {
            out.append(contentsOf: scalars[at..<r.lowerBound])
            out.append(contentsOf: open.unicodeScalars)
            out.append(contentsOf: scalars[r])
            out.append(contentsOf: close.unicodeScalars)
            at = r.upperBound
        }
        out.append(contentsOf: scalars[at...])
        return String(out)
    }
}
