/// The script poems are shown in: as the corpus wrote them (the default),
/// or converted with OpenCC to simplified or traditional characters.
public enum DisplayScript: String, Sendable, CaseIterable, Codable {
    case original
    case simplified
    case traditional

    /// Title, author and lines of `poem` in this script. `profile` is the
    /// one the index normalised with: with `t2s`, the stored normalised
    /// text is the simplified form.
    func show(_ poem: Poem, profile: String) throws -> (title: String?, author: String?, lines: [String]) {
        switch self {
        case .original:
            return (poem.title, poem.author, poem.lines)
        case .simplified where profile == "t2s":
            return (poem.normalizedTitle, poem.normalizedAuthor, poem.normalizedLines)
        case .simplified, .traditional:
            let converter = try ScriptConverter.shared(profile: self == .simplified ? "t2s" : "s2t")
            return (try poem.title.map(converter.convert), try poem.author.map(converter.convert),
                    try poem.lines.map(converter.convert))
        }
    }
}
