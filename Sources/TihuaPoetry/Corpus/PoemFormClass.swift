/// The class of form a corpus poem falls in, the value of the `--form`
/// filter (the generator's target shape is `PoemForm`). Derived at import
/// from the line count and line lengths (characters other than punctuation and spaces, of the
/// normalised lines):
/// - `5x4`, `7x4`, `5x8`, `7x8`: four or eight lines, all of five or all of
///   seven characters (绝句 and 律诗);
/// - `ci`: a poem with a tune name (chinese-poetry's `rhythmic`), or whose
///   lines differ in length (长短句);
/// - `other`: anything else (six or twelve equal lines, four- or
///   six-character lines, a single line, …).
public enum PoemFormClass: String, Codable, Sendable, CaseIterable {
    case fiveByFour = "5x4"
    case sevenByFour = "7x4"
    case fiveByEight = "5x8"
    case sevenByEight = "7x8"
    case ci
    case other

    public static func derive(lines: [String], hasTune: Bool = false) -> PoemFormClass {
        if hasTune { return .ci }
        let lengths = lines.map(PoemText.characterCount)
        guard let first = lengths.first else { return .other }
        guard lengths.allSatisfy({ $0 == first }) else { return .ci }
        switch (first, lines.count) {
        case (5, 4): return .fiveByFour
        case (7, 4): return .sevenByFour
        case (5, 8): return .fiveByEight
        case (7, 8): return .sevenByEight
        default: return .other
        }
    }
}
