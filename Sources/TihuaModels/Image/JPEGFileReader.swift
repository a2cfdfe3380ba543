#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole image file into memory with errors that say what happened
/// ("no such file", "is a directory", ...) and where.
enum JPEGFileReader {
    /// No JPEG within `JPEGDecoder.defaultMaxPixels` comes near this; a
    /// bigger file is not read into memory at all.
    static let maxFileBytes = 1 << 30

    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw error(path, errno) }
        defer { close(fd) }

        var status = stat()
        guard fstat(fd, &status) == 0 else { throw error(path, errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw ModelError(.io, "\(path): is a directory") }
        let size = Int(status.st_size)
        if size > maxFileBytes {
            throw ModelError(.invalidInput, "\(path): \(size) bytes exceeds the JPEG file limit of \(maxFileBytes)")
        }

        // Read until end of file rather than trusting st_size (pipes, files
        // that change while being read); stay within the limit.
        var bytes = [UInt8]()
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path, errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxFileBytes {
                throw ModelError(.invalidInput, "\(path): more than \(maxFileBytes) bytes, the JPEG file limit")
            }
        }
        return bytes
    }

    private static func error(_ path: String, _ code: Int32) -> ModelError {
        switch code {
        case ENOENT: return ModelError(.io, "\(path): no such file")
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
