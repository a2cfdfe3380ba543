/// Bounds on what a corpus may hold, checked while reading: a record past
/// them is invalid (refused, or skipped with `skipInvalid`), before its text
/// is split or stored. The real corpora stay far below them: chinese-poetry's
/// longest poem has 596 lines and 2,650 characters, its longest line 149
/// characters and its longest title 250; CCPC holds quatrains.
public enum CorpusLimits {
    /// Corpus files larger than this are refused (split them).
    public static let maxFileBytes = 512 << 20
    public static let maxLines = 2_000
    public static let maxLineCharacters = 1_000
    public static let maxPoemCharacters = 20_000
    public static let maxTitleCharacters = 1_000
    /// Author and dynasty.
    public static let maxNameCharacters = 100
    public static let maxKeywords = 200
    public static let maxKeywordCharacters = 100
    /// JSON nesting (a poem record nests two or three levels).
    public static let maxDepth = 512

    /// Why `lines` break a bound, or nil. Characters are Unicode scalars.
    static func problem(lines: [String]) -> String? {
        if lines.count > maxLines { return "the poem has \(lines.count.grouped) lines (at most \(maxLines.grouped))" }
        var total = 0
        for (n, line) in lines.enumerated() {
            // Scalars are the UTF-8 bytes that start one.
            let count = line.utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            if count > maxLineCharacters {
                return "line \(n + 1) has \(count.grouped) characters (at most \(maxLineCharacters.grouped))"
            }
            total += count
        }
        if total > maxPoemCharacters { return "the poem has \(total.grouped) characters (at most \(maxPoemCharacters.grouped))" }
        return nil
    }

    static func problem(keywords: [String]) -> String? {
        if keywords.count > maxKeywords { return "\(keywords.count.grouped) keywords (at most \(maxKeywords))" }
        if let long = keywords.first(where: { $0.unicodeScalars.count > maxKeywordCharacters }) {
            return "keyword '\(long.prefix(20))…' is longer than \(maxKeywordCharacters) characters"
        }
        return nil
    }

    static func problem(title: String?, author: String?, dynasty: String?) -> String? {
        if let t = title, t.unicodeScalars.count > maxTitleCharacters { return "the title is longer than \(maxTitleCharacters.grouped) characters" }
        if let a = author, a.unicodeScalars.count > maxNameCharacters { return "the author is longer than \(maxNameCharacters) characters" }
        if let d = dynasty, d.unicodeScalars.count > maxNameCharacters { return "the dynasty is longer than \(maxNameCharacters) characters" }
        return nil
    }
}
