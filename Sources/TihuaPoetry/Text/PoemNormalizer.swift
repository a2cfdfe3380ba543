/// Brings a poem as read into the index's script: its normalised title,
/// author and lines (kept only when they differ from the original) and its
/// form. Queries go through the same converter (`query`).
struct PoemNormalizer: Sendable {
    let converter: ScriptConverter

    func normalize(_ read: ReadPoem) throws -> Poem {
        var poem = read.poem
        let lines = try poem.lines.map { try converter.convert($0) }
        let title = try poem.title.map { try converter.convert($0) }
        let author = try poem.author.map { try converter.convert($0) }
        if lines != poem.lines || title != poem.title || author != poem.author {
            poem.normalized = Poem.NormalizedText(title: title, author: author, lines: lines)
        }
        poem.form = PoemFormClass.derive(lines: lines, hasTune: read.hasTune)
        return poem
    }

    /// A v1 document's poem (stored before normalisation), normalised the
    /// same way; a tune cannot be told from the stored document, so the form
    /// comes from the lines alone.
    func normalize(stored poem: Poem) throws -> Poem {
        var original = poem
        original.normalized = nil
        original.form = nil
        return try normalize(ReadPoem(poem: original, location: poem.id))
    }
}
