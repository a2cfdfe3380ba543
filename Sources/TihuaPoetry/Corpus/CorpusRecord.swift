/// The outcome of reading one record of a corpus file.
enum CorpusRecord: Sendable {
    case poem(Poem)
    /// `location` is "FILE line N" or "FILE record N".
    case invalid(location: String, reason: String)
}
