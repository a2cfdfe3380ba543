import CLMDB

/// The one error type of TihuaStore. Its message says what was being done and
/// where (index folder, collection, file and line/record), in one line.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        case lmdb(Int32)     // an LMDB call failed; the payload is its return code
        case notFound        // a collection, id or index that does not exist
        case invalidInput    // bytes or arguments a caller gave that cannot be stored
        case schema          // an index written by another schema version
        case corrupt         // stored bytes that contradict the index's own metadata
        case busy            // another process holds the index's import lock
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// An LMDB failure: `doing` names the operation, e.g. "put into poems.records".
    static func lmdb(_ code: Int32, _ doing: String) -> StoreError {
        let text = String(cString: mdb_strerror(code))
        return StoreError(.lmdb(code), "\(doing): \(text)")
    }

    public var description: String { message }
}

/// Runs an LMDB call and turns a non-zero return code into a StoreError.
@inline(__always)
func check(_ code: Int32, _ doing: @autoclosure () -> String) throws {
    if code != 0 { throw StoreError.lmdb(code, doing()) }
}
