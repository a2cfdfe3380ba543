/// The error type of TihuaSearch: one line saying what was wrong and where
/// (collection, dimensions, query number).
public struct SearchError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case invalidArgument   // k, nprobe, lists, … outside their range
        case dimensionMismatch // queries of another dimension than the collection's
        case invalidQuery      // a NaN/Inf or zero query vector
        case noIVF             // an IVF search on a collection without an IVF index
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
