import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading a whole file that must be a regular file of bounded size: it is
/// opened without blocking (a FIFO put in its place after a folder walk
/// does not hang the reader) and checked with `fstat` before a byte is read.
enum RegularFile {
    static func read(_ path: String, maxBytes: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            throw PoetryError(errno == ENOENT ? .notFound : .io, "\(FileWalk.printable(path)): cannot read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw PoetryError(errno == ENOENT ? .notFound : .io, "\(FileWalk.printable(path)): cannot read: \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw PoetryError(.badInput, "\(FileWalk.printable(path)): not a regular file")
        }
        let size = Int(st.st_size)
        guard size <= maxBytes else {
            throw PoetryError(.badInput, "\(FileWalk.printable(path)): \(size.grouped) bytes, more than the \(maxBytes.grouped) a corpus file may hold (split it)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PoetryError(errno == ENOENT ? .notFound : .io, "\(FileWalk.printable(path)): cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }  // the file shrank while being read
            done += n
        }
        if done < size { bytes.removeSubrange(done...) }
        return bytes
    }
}
