/// The outcome of reading one record of a corpus file.
enum CorpusRecord: Sendable {
    case poem(ReadPoem)
    /// `location` is "FILE line N" or "FILE record N".
    case invalid(location: String, reason: String)
}

/// A valid record as read, before normalisation.
struct ReadPoem: Sendable {
    var poem: Poem
    /// "FILE line N" or "FILE record N (line L)".
    var location: String
    /// The line (CCPC) or record number (chinese-poetry) when the poem's id
    /// is made from the file name (`STEM:N`), nil when the corpus gave one.
    var derivedNumber: Int?
    /// The record named a tune (chinese-poetry's `rhythmic`): a ci.
    var hasTune = false
}
