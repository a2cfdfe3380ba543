import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one walk over the files and folders a user names, shared by every
/// command that takes them (`import poems`, `images add`).
///
/// - A named file is taken whatever its extension; a named folder is searched
///   recursively for files with one of `extensions` (any case), following
///   symbolic links.
/// - Only regular files are returned. Everything else that would have been
///   taken — a FIFO, socket or device, a broken link, a symbolic link loop, a
///   folder that cannot be read — is reported in `skipped` and never opened,
///   so nothing blocks. Folders named like files (`x.jpg/`) are searched, not
///   taken.
/// - A path with a control character or invalid UTF-8 in it, or longer than
///   `maxPathBytes`, is skipped and reported too (ids are made of paths).
/// - Files of each named folder come in path order, numbers compared by
///   value (`poet.tang.2` before `poet.tang.10`); named paths keep their order.
/// A named path that does not exist is an error.
public struct FileWalk: Sendable {
    public var extensions: Set<String>
    /// Longest acceptable path in bytes (as returned), if bounded.
    public var maxPathBytes: Int?
    /// Return absolute paths (with `.` and `..` resolved).
    public var absolute: Bool

    public init(extensions: Set<String>, maxPathBytes: Int? = nil, absolute: Bool = false) {
        self.extensions = Set(extensions.map { $0.lowercased() })
        self.maxPathBytes = maxPathBytes
        self.absolute = absolute
    }

    /// A path that was not taken, and why.
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(FileWalk.printable(path)): \(reason)" }
    }

    public struct Result: Sendable {
        public var files: [String] = []
        public var skipped: [Skipped] = []
    }

    public func expand(_ paths: [String]) throws -> Result {
        var result = Result()
        for path in paths {
            let start = absolute ? absolutePath(path) : path
            switch Self.kind(of: start) {
            case .missing:
                throw PoetryError(.notFound, "\(Self.printable(path)): no such file or folder")
            case .directory(let id):
                var found: [String] = []
                var visited: Set<FileID> = [id]
                walk(start, into: &found, skipped: &result.skipped, visited: &visited)
                found.sort { $0.compare($1, options: .numeric) == .orderedAscending }
                result.files += found
            case .regular:
                take(start, into: &result.files, skipped: &result.skipped)
            case .other(let reason):
                result.skipped.append(Skipped(path: start, reason: reason))
            }
        }
        return result
    }

    private func walk(_ folder: String, into files: inout [String], skipped: inout [Skipped], visited: inout Set<FileID>) {
        guard let dir = opendir(folder) else {
            skipped.append(Skipped(path: folder, reason: "cannot read the folder: \(String(cString: strerror(errno)))"))
            return
        }
        var names: [String] = []
        var badNames = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validatingCString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard let name else { badNames += 1; continue }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        if badNames > 0 {
            skipped.append(Skipped(path: folder, reason: "\(badNames) file name(s) in it are not valid UTF-8"))
        }
        for name in names.sorted() {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            switch Self.kind(of: path) {
            case .directory(let id):
                if visited.insert(id).inserted {
                    walk(path, into: &files, skipped: &skipped, visited: &visited)
                    visited.remove(id)
                } else {
                    skipped.append(Skipped(path: path, reason: "symbolic link loop (a folder that contains itself)"))
                }
            case .regular:
                if matches(name) { take(path, into: &files, skipped: &skipped) }
            case .other(let reason):
                if matches(name) { skipped.append(Skipped(path: path, reason: reason)) }
            case .missing:
                if matches(name) { skipped.append(Skipped(path: path, reason: "vanished while the folder was read")) }
            }
        }
    }

    private func matches(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    private func take(_ path: String, into files: inout [String], skipped: inout [Skipped]) {
        if path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            skipped.append(Skipped(path: path, reason: "the path contains a control character"))
        } else if let max = maxPathBytes, path.utf8.count > max {
            skipped.append(Skipped(path: path, reason: "the path is longer than \(max) bytes"))
        } else {
            files.append(path)
        }
    }

    struct FileID: Hashable { let device: UInt64; let inode: UInt64 }

    enum Kind {
        case missing
        case directory(FileID)
        case regular
        /// Not usable, with the reason.
        case other(String)
    }

    /// What `path` is, following symbolic links, without opening it.
    static func kind(of path: String) -> Kind {
        var st = stat()
        if stat(path, &st) != 0 {
            let error = errno
            var link = stat()
            if lstat(path, &link) == 0 {
                if error == ELOOP { return .other("symbolic link loop") }
                if (link.st_mode & S_IFMT) == S_IFLNK { return .other("broken symbolic link") }
                return .other("cannot read: \(String(cString: strerror(error)))")
            }
            if error == ENOENT || error == ENOTDIR { return .missing }
            return .other(error == ENAMETOOLONG ? "the path is too long" : "cannot read: \(String(cString: strerror(error)))")
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory(FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
        case S_IFREG: return .regular
        case S_IFIFO: return .other("not a regular file (a FIFO)")
        case S_IFSOCK: return .other("not a regular file (a socket)")
        case S_IFCHR: return .other("not a regular file (a character device)")
        case S_IFBLK: return .other("not a regular file (a block device)")
        default: return .other("not a regular file")
        }
    }

    /// `path` with control characters escaped, fit for a one-line report.
    public static func printable(_ path: String) -> String {
        var out = ""
        for s in path.unicodeScalars {
            if s.properties.generalCategory == .control {
                out += "\\u{\(String(s.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
