#if canImport(Glibc)
import Glibc
#endif

/// What is at an index path before LMDB is allowed to open it, and how it
/// can be opened. liblmdb aborts, crashes or hangs on folders it does not
/// expect (random bytes, a directory or FIFO named data.mdb, a truncated
/// file, a lock file it cannot write), so each of those is found here first
/// and reported as one error naming the folder.
struct IndexFolder {
    let path: String
    var dataPath: String { path + "/data.mdb" }
    var lockPath: String { path + "/lock.mdb" }
    /// The checked meta pages of data.mdb; nil when there is no data.mdb yet.
    let dataFile: LMDBDataFile?

    /// Free bytes a new index needs: the lock file, the first pages and
    /// the first transactions.
    static let minimumFreeBytes = 8 << 20

    /// Inspects `path`: a folder (or nothing yet) whose data.mdb, if any, is
    /// a regular file with valid LMDB meta pages no longer than the file.
    static func inspect(_ path: String) throws -> IndexFolder {
        var st = stat()
        if stat(path, &st) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                if let file = try fileAncestor(of: path) {
                    throw StoreError(.notAnIndex, "\(path) cannot be an index folder: \(file) is a file")
                }
                return IndexFolder(path: path, dataFile: nil)
            }
            throw StoreError.system(code, "cannot read index folder \(path)")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError(.notAnIndex, "\(path) is a file, not an index folder")
        }
        let data = path + "/data.mdb"
        if stat(data, &st) != 0 {
            let code = errno
            if code == ENOENT { return IndexFolder(path: path, dataFile: nil) }
            throw StoreError.system(code, "cannot read index \(path)")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw StoreError(.corrupt, "index \(path): data.mdb is a directory, not an LMDB data file")
        default: throw StoreError(.corrupt, "index \(path): data.mdb is not a regular file")
        }
        let lock = path + "/lock.mdb"
        if stat(lock, &st) == 0 && st.st_mode & S_IFMT != S_IFREG {
            throw StoreError(.corrupt, "index \(path): lock.mdb is not a regular file")
        }
        return IndexFolder(path: path, dataFile: try checkDataFile(data, index: path))
    }

    /// The nearest existing ancestor of `path` when it is not a folder.
    private static func fileAncestor(of path: String) throws -> String? {
        var probe = path
        while true {
            let parent = parentPath(probe)
            if parent == probe { return nil }
            probe = parent
            var st = stat()
            if stat(probe, &st) == 0 { return st.st_mode & S_IFMT == S_IFDIR ? nil : probe }
            if errno != ENOENT && errno != ENOTDIR { return nil }
        }
    }

    private static func parentPath(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    private static func checkDataFile(_ data: String, index: String) throws -> LMDBDataFile {
        let fd = open(data, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.system(errno, "cannot read index \(index)") }
        defer { close(fd) }
        do {
            return try LMDBDataFile.inspect(fileSize: {
                var st = stat()
                return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
            }, read: { offset, count in
                var bytes = [UInt8](repeating: 0, count: count)
                let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(offset)) }
                return Array(bytes.prefix(max(0, got)))
            })
        } catch {
            throw StoreError(.corrupt, "index \(index): data.mdb \(error.phrase)")
        }
    }

    // MARK: Access

    /// Why the index cannot be written by this process, or nil if it can.
    func readOnlyReason() -> String? {
        if access(dataPath, F_OK) != 0 {
            guard access(path, W_OK | X_OK) == 0 else {
                return errno == EROFS ? "it is on a read-only file system" : "its folder is not writable by this user"
            }
            return nil
        }
        if access(dataPath, W_OK) != 0 {
            return errno == EROFS ? "it is on a read-only file system" : "its data.mdb is not writable by this user"
        }
        return nil
    }

    /// Whether LMDB can use lock.mdb: an existing one must be readable and
    /// writable, a missing one creatable.
    func lockFileUsable() -> Bool {
        access(lockPath, F_OK) == 0 ? access(lockPath, R_OK | W_OK) == 0 : access(path, W_OK | X_OK) == 0
    }

    /// Allocates lock.mdb's blocks now: LMDB sizes it with `ftruncate`
    /// (a sparse file) and maps it, so on a full file system the first
    /// touch of a reader slot would be a SIGBUS. A new lock file gets
    /// LMDB's own size for `Environment.maxReaders`; an existing one keeps
    /// its size (other processes have sized their reader tables by it).
    /// Returns 0 or an errno.
    func preallocateLockFile() -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return errno }
        let size = st.st_size > 0 ? Int(st.st_size) : Environment.lockFileBytes
        let rc = posix_fallocate(fd, 0, off_t(size))
        return rc == EOPNOTSUPP || rc == EINVAL ? 0 : rc
    }

    // MARK: Creation

    /// Creates the folder of a new index (and its missing parents) after
    /// checking that the file system has room for one.
    func create(freeSpace: (String) -> Int?) throws {
        var probe = path
        var st = stat()
        while stat(probe, &st) != 0 {
            let parent = Self.parentPath(probe)
            if parent == probe { break }
            probe = parent
        }
        if let free = freeSpace(probe), free < Self.minimumFreeBytes {
            throw StoreError(.noSpace, "no space left on the file system of \(path): \(free >> 10) KiB free, a new index needs at least \(Self.minimumFreeBytes >> 20) MiB")
        }
        var made = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            made += "/" + component
            if mkdir(made, 0o755) != 0 && errno != EEXIST {
                throw StoreError.system(errno, "cannot create index folder \(path)")
            }
        }
    }

    /// Free bytes for an unprivileged user on the file system holding `path`.
    static func freeSpace(_ path: String) -> Int? {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        let (bytes, overflow) = Int(s.f_bavail).multipliedReportingOverflow(by: Int(s.f_frsize))
        return overflow ? Int.max : bytes
    }
}
