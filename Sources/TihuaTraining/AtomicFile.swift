import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers (and a run killed midway) see either the
/// old file or the whole new one: a temporary file beside it, fsync, rename,
/// fsync of the folder.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TrainingError(.io, "\(temporary): cannot create (\(String(cString: strerror(errno))))") }
        var done = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { return false }
                done += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok else {
            unlink(temporary)
            throw TrainingError(.io, "\(temporary): write failed at byte \(done) (\(String(cString: strerror(errno))))")
        }
        guard rename(temporary, path) == 0 else {
            throw TrainingError(.io, "\(path): cannot replace (\(String(cString: strerror(errno))))")
        }
        let folder = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
        if folder >= 0 { fsync(folder); close(folder) }
    }

    static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}
