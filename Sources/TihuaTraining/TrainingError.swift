/// An error of TihuaTraining: what was wrong and where, in one line, with
/// its kind (the CLI maps kinds to its own hints).
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// A corpus, setting or model that cannot be used.
        case badInput
        /// A file or folder that is not there.
        case notFound
        /// Reading or writing failed.
        case io
        /// A checkpoint or training folder that does not match or is damaged.
        case corrupt
    }

    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
