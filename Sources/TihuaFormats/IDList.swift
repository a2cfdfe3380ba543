import TihuaStore
#if canImport(Glibc)
import Glibc
#endif

/// A file of external ids, one a line (a final newline is optional; `\r\n`
/// is accepted). Every id is validated (`RecordID`); a repeated id is an
/// error naming both lines.
public enum IDList {
    /// The largest ids file read (it is read whole).
    public static let maxBytes = 1 << 30

    public static func read(path: String) throws -> [String] {
        let bytes = try readRegularFile(path, limit: maxBytes, what: "ids file")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FormatError(.invalidInput, "\(path): ids file is not UTF-8")
        }
        return try parse(text, path: path)
    }

    /// The ids of `text` (the contents of `path`), validated.
    public static func parse(_ text: String, path: String) throws -> [String] {
        // "\r\n" is one Character, a newline like "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var seen: [String: Int] = [:]
        seen.reserveCapacity(lines.count)
        for (i, id) in lines.enumerated() {
            if let problem = RecordID.problem(with: id) {
                throw FormatError(.invalidInput, "\(path) line \(i + 1): \(problem)")
            }
            if let first = seen.updateValue(i + 1, forKey: id) {
                throw FormatError(.invalidInput, "\(path) line \(i + 1): id '\(id.prefix(80))' repeats line \(first)")
            }
        }
        return lines
    }
}

/// The whole of a regular file of at most `limit` bytes. A FIFO, device or
/// folder is refused before anything blocks on it.
func readRegularFile(_ path: String, limit: Int, what: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw FormatError.system(errno, path, "open the \(what)") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw FormatError.system(errno, path, "read the \(what)") }
    guard st.st_mode & S_IFMT == S_IFREG else { throw FormatError(.invalidInput, "\(path): the \(what) is not a regular file") }
    guard Int(st.st_size) <= limit else {
        throw FormatError(.invalidInput, "\(path): the \(what) is \(st.st_size) bytes, more than the \(limit >> 20) MiB read")
    }
    var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
    var done = 0
    while done < bytes.count {
        let r = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
        if r < 0 && errno == EINTR { continue }
        guard r > 0 else {
            if r < 0 { throw FormatError.system(errno, path, "read the \(what)") }
            throw FormatError(.invalidInput, "\(path): the \(what) ended at byte \(done) while being read")
        }
        done += r
    }
    return bytes
}
