#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a whole file, memory-mapped read-only. Nothing is read until
/// a page is touched, so opening a 753 MB model costs a few system calls.
/// The bytes stay valid while the object lives.
final class MappedFile: @unchecked Sendable {  // immutable after init; the map is read-only
    let path: String
    let bytes: UnsafeRawBufferPointer
    /// The status of the file that was mapped (taken from the same descriptor).
    let status: FileStatus
    private let base: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw fileError(path, errno, "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fileError(path, errno, "stat") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelError(.io, "\(path): not a regular file (\(fileTypeName(info.st_mode)))")
        }
        status = FileStatus(info)
        let size = Int(info.st_size)
        if size == 0 {
            // mmap refuses a zero length; an empty file is simply no bytes.
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            let code = errno
            throw ModelError(code == ENOMEM ? .outOfMemory : .io,
                             "\(path): cannot map \(size) bytes (\(String(cString: strerror(code))))")
        }
        base = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}

/// Reads a small file whole (config.json, vocab.txt), refusing one larger
/// than `limit` bytes before reading it.
func readWholeFile(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
    let file = try MappedFile(path: path)
    guard file.bytes.count <= limit else {
        throw ModelError(.format, "\(path): \(file.bytes.count) bytes, over the \(limit)-byte limit for this kind of file")
    }
    return Array(file.bytes)
}

/// The error for a failed open/stat of `path`, with the kind its errno implies.
func fileError(_ path: String, _ code: Int32, _ what: String) -> ModelError {
    switch code {
    case ENOENT: return ModelError(.notFound, "\(path): no such file")
    case EACCES: return ModelError(.io, "\(path): permission denied")
    case EISDIR: return ModelError(.io, "\(path): is a directory")
    case ENOMEM: return ModelError(.outOfMemory, "\(path): out of memory")
    default: return ModelError(.io, "\(path): cannot \(what) (\(String(cString: strerror(code))))")
    }
}

/// "a directory", "a FIFO", … for a `st_mode`.
func fileTypeName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
}
