import CLMDB
#if canImport(Glibc)
import Glibc
#endif

/// The one error type of TihuaStore. Its message says what was being done and
/// where (index folder, collection, file and line/record), in one line.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        case notFound        // a collection, id or index that does not exist
        case invalidInput    // bytes or arguments a caller gave that cannot be stored
        case schema          // an index written by another schema version
        case corrupt         // stored bytes that contradict the index's own metadata, or a damaged folder
        case notAnIndex      // a folder or LMDB environment that is not a Tihua index
        case readOnly        // a write to an index that was opened for reading or cannot be written
        case noSpace         // the file system is full (ENOSPC)
        case outOfMemory     // the system refused memory (ENOMEM)
        case io(Int32)       // another operating-system error; the payload is errno
        case lmdb(Int32)     // an LMDB error that is not an errno; the payload is its MDB_* code
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A failed LMDB call: `doing` names the operation, e.g. "write record 'x' of poems".
    /// LMDB returns errno values for system failures and its own codes
    /// (MDB_KEYEXIST … MDB_LAST_ERRCODE) for the rest; each gets its kind.
    static func lmdb(_ code: Int32, _ doing: String) -> StoreError {
        if code >= MDB_KEYEXIST && code <= MDB_LAST_ERRCODE {
            return StoreError(.lmdb(code), "\(doing): \(String(cString: mdb_strerror(code)))")
        }
        return system(code, doing)
    }

    /// An operating-system failure with its errno.
    static func system(_ code: Int32, _ doing: String) -> StoreError {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT: return StoreError(.noSpace, "\(doing): no space left on the file system (\(text))")
        case ENOMEM: return StoreError(.outOfMemory, "\(doing): out of memory")
        case EROFS: return StoreError(.readOnly, "\(doing): \(text)")
        default: return StoreError(.io(code), "\(doing): \(text)")
        }
    }

    /// The error for a collection that does not exist.
    public static func noCollection(_ name: String, in path: String) -> StoreError {
        StoreError(.notFound, "no collection '\(name)' in index \(path)")
    }

    public var description: String { message }
}

/// Runs an LMDB call and turns a non-zero return code into a StoreError.
@inline(__always)
func check(_ code: Int32, _ doing: @autoclosure () -> String) throws {
    if code != 0 { throw StoreError.lmdb(code, doing()) }
}
