/// The error type of TihuaPoetry and of its façade `TihuaEngine`: what was
/// wrong and where (file and line or record, poem id, model folder), in one
/// line, with a `kind` that a shell maps to its own words (a CLI exit code
/// and hint, an HTTP status).
///
/// A message never names a command or a flag of a shell. What a user could
/// do about it is `remedy`, for the shell to phrase.
public struct PoetryError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// An index, collection, record or file that does not exist.
        case notFound
        /// A caller's argument or input that cannot be used: a count out of
        /// range, an invalid id, a malformed corpus record, JPEG or vector.
        case badInput
        /// Vectors or a query from another model than the collection's.
        case wrongModel
        /// The index lacks what the operation needs first: no embeddings, no
        /// recorded model.
        case notReady
        /// A write asked of an index opened only for reading.
        case readOnly
        /// Too much work waiting already (a bounded queue is full).
        case busy
        /// A file, folder or disk operation failed (permissions, no space, EIO).
        case io
        /// Stored bytes contradict the index's own metadata, or the index
        /// was written by another schema.
        case corrupt
        /// A valid model or setting that this build does not run.
        case unsupported
    }

    /// What a user can do about an error; each shell words it its own way.
    public enum Remedy: String, Sendable, Codable {
        /// Import the collection's records first (poems, keywords).
        case importRecords
        /// Embed the keywords and poems.
        case embed
        /// Add images to the library.
        case addImages
        /// Name a model folder explicitly.
        case chooseModel
        /// Skip invalid corpus records instead of aborting.
        case skipInvalid
        /// Upgrade an index written by an earlier format.
        case upgradeIndex
    }

    public let kind: Kind
    public let message: String
    public let remedy: Remedy?

    public init(_ kind: Kind, _ message: String, remedy: Remedy? = nil) {
        self.kind = kind
        self.message = message
        self.remedy = remedy
    }

    public var description: String { message }
}
