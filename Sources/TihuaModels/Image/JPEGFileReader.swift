#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole image file into memory with errors that say what happened
/// ("no such file", "is a directory", ...) and where. Only regular files
/// are read: a FIFO, a device such as /dev/zero, a socket or a directory is
/// refused from its type before a byte is read (and opening never blocks,
/// even on a FIFO with no writer).
enum JPEGFileReader {
    /// No JPEG within `JPEGDecoder.defaultMaxPixels` comes near this; a
    /// bigger file is not read into memory at all.
    static let maxFileBytes = 1 << 30

    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw error(path, errno) }
        defer { close(fd) }

        var status = stat()
        guard fstat(fd, &status) == 0 else { throw error(path, errno) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            if (status.st_mode & S_IFMT) == S_IFDIR { throw ModelError(.io, "\(path): is a directory") }
            throw ModelError(.invalidInput, "\(path): is \(fileTypeName(status.st_mode)), not a regular file")
        }
        let size = Int(status.st_size)
        if size > maxFileBytes {
            throw ModelError(.invalidInput, "\(path): \(size) bytes exceeds the JPEG file limit of \(maxFileBytes)")
        }

        // Read the size fstat gave, plus one byte to notice a file that grew
        // meanwhile; never more than the limit.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path, errno)
            }
            if n == 0 { break }
            done += n
        }
        if done > size {
            throw ModelError(.io, "\(path): the file grew while it was read")
        }
        bytes.removeSubrange(done...)
        return bytes
    }

    private static func error(_ path: String, _ code: Int32) -> ModelError {
        switch code {
        case ENOENT: return ModelError(.notFound, "\(path): no such file")
        case EACCES: return ModelError(.io, "\(path): permission denied")
        case EISDIR: return ModelError(.io, "\(path): is a directory")
        default: return ModelError(.io, "\(path): cannot read (\(String(cString: strerror(code))))")
        }
    }
}

/// `read(2)`, named apart from `JPEGFileReader.read`.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
