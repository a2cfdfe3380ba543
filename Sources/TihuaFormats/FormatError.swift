#if canImport(Glibc)
import Glibc
#endif

/// The error type of TihuaFormats: a file that cannot be read as what it
/// should be, with the file and the place (row, line, header field) in one line.
public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case notFound        // no such file
        case invalidInput    // a file that is not what it should be, or disagrees with another
        case io(Int32)       // the file could not be read; the payload is errno
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A failed system call on `path`.
    static func system(_ code: Int32, _ path: String, _ doing: String) -> FormatError {
        FormatError(code == ENOENT ? .notFound : .io(code), "\(path): cannot \(doing) (\(String(cString: strerror(code))))")
    }

    public var description: String { message }
}
