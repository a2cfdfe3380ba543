import CLMDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One LMDB environment (an index folder holding `data.mdb` and `lock.mdb`).
///
/// Read transactions run inside `read` closures; write transactions are
/// begun and ended explicitly (`beginWrite`, `commitWrite`, `abortWrite`)
/// because one `TihuaIndex.write` may commit several in a row.
///
/// The memory map is grown *before* a write transaction begins, so that the
/// transaction finds at least `mapReserve` bytes free: a write closure runs
/// once and is never re-run. A transaction that still fills the map fails
/// (nothing of it is written) and the reserve doubles for the next one.
///
/// `@unchecked Sendable`: the environment handle is used through LMDB's
/// thread-safe calls; the map size changes only under `mapLock` held
/// exclusively; every other mutable state is behind a `Mutex` or atomic.
final class Environment: @unchecked Sendable {
    static let maxNamedDatabases: UInt32 = 4096
    static let maxReaders: UInt32 = 1024
    /// `lock.mdb` for `maxReaders`: (maxReaders − 1) × 64-byte reader slots
    /// plus LMDB's 192-byte header, rounded up to whole pages.
    static let lockFileBytes = 69632

    let path: String
    let readOnly: Bool
    private let env: OpaquePointer
    private let mapLock = ReadWriteLock()
    private let handles = Mutex<[String: MDB_dbi]>([:])
    /// Threads inside a transaction of this environment (see `database`).
    private let threadsInTransactions = Mutex<[pthread_t: Int]>([:])
    /// Free bytes the map keeps for the next write transaction.
    private let mapReserve: Atomic<Int>
    /// Without a usable lock file (`useLockFile == false`), readers hold a
    /// shared `flock` on data.mdb, which Tihua's writers lock exclusively.
    private let readerLock: ReaderFileLock?

    init(path: String, readOnly: Bool, useLockFile: Bool, mapReserve: Int) throws {
        self.path = path
        self.readOnly = readOnly
        self.mapReserve = Atomic(mapReserve)
        readerLock = useLockFile ? nil : try ReaderFileLock(path: path + "/data.mdb")
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "create an LMDB environment for \(path)")
        guard let env else { throw StoreError(.outOfMemory, "create an LMDB environment for \(path): out of memory") }
        self.env = env
        do {
            try check(mdb_env_set_maxdbs(env, Self.maxNamedDatabases), "set the database count of \(path)")
            try check(mdb_env_set_maxreaders(env, Self.maxReaders), "set the reader count of \(path)")
            let fileSize = Self.fileSize(path + "/data.mdb")
            try check(mdb_env_set_mapsize(env, roundUp(max(fileSize * 2, fileSize + mapReserve))),
                      "set the map size of \(path)")
            // NOTLS: a read transaction is not tied to the thread that began
            // it, so that worker threads can share one snapshot (see
            // `CollectionSnapshot.inParallel`).
            var flags = UInt32(MDB_NOTLS)
            if readOnly { flags |= UInt32(MDB_RDONLY) }
            if !useLockFile { flags |= UInt32(MDB_NOLOCK) }
            try check(mdb_env_open(env, path, flags, 0o644), "open index \(path)")
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit { mdb_env_close(env) }

    // MARK: Read transactions

    /// Runs `body` in a read transaction, aborted when it returns.
    func read<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try readerLock?.acquire()
        defer { readerLock?.release() }
        enter()
        defer { leave() }
        mapLock.lockShared()
        defer { mapLock.unlock() }
        let txn = try begin(readOnly: true)
        defer { mdb_txn_abort(txn) }
        return try body(txn)
    }

    // MARK: Write transactions

    /// Begins a write transaction with `mapReserve` bytes of room in the map.
    /// End it with `commitWrite` or `abortWrite` on the same thread.
    func beginWrite() throws -> OpaquePointer {
        precondition(!readOnly, "a write transaction on a read-only environment")
        // Growing the map needs every transaction of the process closed: a
        // write begun inside this thread's read transaction cannot grow it.
        if depth() == 0 { try ensureRoom() }
        enter()
        mapLock.lockShared()
        do {
            return try begin(readOnly: false)
        } catch {
            mapLock.unlock()
            leave()
            throw error
        }
    }

    func commitWrite(_ txn: OpaquePointer) throws {
        defer {
            mapLock.unlock()
            leave()
        }
        // mdb_txn_commit frees the transaction even when it fails.
        try check(mdb_txn_commit(txn), "commit a write to \(path)")
    }

    func abortWrite(_ txn: OpaquePointer) {
        mdb_txn_abort(txn)
        mapLock.unlock()
        leave()
    }

    /// Runs `body`, which writes (and ends its transactions); a transaction
    /// that outgrew its reserve becomes one clear error (nothing of it was
    /// written), and the next transaction gets twice the room.
    func explainingMapFull<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as StoreError where error.kind == .lmdb(MDB_MAP_FULL) {
            let reserve = mapReserve.load(ordering: .relaxed)
            mapReserve.store(reserve * 2, ordering: .relaxed)
            throw StoreError(.lmdb(MDB_MAP_FULL),
                             "a write to index \(path) needed more than the \(max(1, reserve >> 20)) MiB reserved for one transaction; nothing of it was written (write in smaller batches)")
        }
    }

    /// Runs `body` in one write transaction, committed when it returns.
    func write<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try explainingMapFull {
            let txn = try beginWrite()
            let result: R
            do {
                result = try body(txn)
            } catch {
                abortWrite(txn)
                throw error
            }
            try commitWrite(txn)
            return result
        }
    }

    /// Begins a transaction; the caller holds `mapLock` shared. A map grown
    /// by another process is adopted first (that needs the lock exclusively).
    private func begin(readOnly: Bool) throws -> OpaquePointer {
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
            if rc == MDB_MAP_RESIZED {
                guard depth() == 1 else {
                    throw StoreError(.lmdb(rc), "begin a transaction on \(path) inside another: another process grew the index meanwhile; try again")
                }
                mapLock.unlock()
                defer { mapLock.lockShared() }
                try mapLock.withExclusive {
                    try check(mdb_env_set_mapsize(env, 0), "adopt the new map size of \(path)")
                }
                continue
            }
            try check(rc, "begin a \(readOnly ? "read" : "write") transaction on \(path)")
            return txn!
        }
    }

    /// Grows the map so that the used pages plus `mapReserve` fit.
    private func ensureRoom() throws {
        func needed() -> Int? {
            var info = MDB_envinfo()
            var stat = MDB_stat()
            mdb_env_info(env, &info)
            mdb_env_stat(env, &stat)
            let used = (Int(info.me_last_pgno) + 1) * Int(stat.ms_psize)
            let reserve = mapReserve.load(ordering: .relaxed)
            return used + reserve > info.me_mapsize ? roundUp(max(2 * used, used + reserve)) : nil
        }
        guard needed() != nil else { return }
        try mapLock.withExclusive {
            if let size = needed() {
                try check(mdb_env_set_mapsize(env, size), "grow the map of \(path) to \(size >> 20) MiB")
            }
        }
    }

    var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    // MARK: Transactions in progress

    private func enter() {
        let me = pthread_self()
        threadsInTransactions.withLock { $0[me, default: 0] += 1 }
    }

    /// Transactions this thread is in.
    private func depth() -> Int {
        threadsInTransactions.withLock { $0[pthread_self()] ?? 0 }
    }

    private func leave() {
        let me = pthread_self()
        threadsInTransactions.withLock {
            $0[me, default: 1] -= 1
            if $0[me] == 0 { $0[me] = nil }
        }
    }

    // MARK: Named databases

    /// The handle of a named database. With `create`, a missing database is
    /// created in a short write transaction of its own; without, nil if
    /// missing (and only a read transaction is used). Must not be called
    /// inside a transaction of this thread (LMDB's write lock is not
    /// reentrant); handles are resolved before `read`/`write`.
    func database(_ name: String, create: Bool) throws -> MDB_dbi? {
        if let dbi = handles.withLock({ $0[name] }) { return dbi }
        // A handle opened now would be invisible to (and, for a write, would
        // deadlock with) the transaction this thread is in.
        if threadsInTransactions.withLock({ $0[pthread_self()] != nil }) {
            throw StoreError(.invalidInput, "database \(name) of \(path) was first used inside a transaction; resolve collections (TihuaIndex.collection) before read/write")
        }
        func open(_ txn: OpaquePointer) throws -> MDB_dbi? {
            var dbi = MDB_dbi()
            let rc = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
            if rc == MDB_NOTFOUND { return nil }
            if rc == MDB_INCOMPATIBLE {
                throw StoreError(.notAnIndex, "index \(path): '\(name)' in its LMDB environment is not a Tihua database")
            }
            try check(rc, "open database \(name) in \(path)")
            return dbi
        }
        let dbi: MDB_dbi?
        if create {
            dbi = try write { try open($0) }
        } else {
            // A handle opened in a read transaction outlives it only if it
            // is committed (mdb_dbi_open's rule), so commit rather than abort.
            dbi = try readKeepingHandles { try open($0) }
        }
        if let dbi { handles.withLock { $0[name] = dbi } }
        return dbi
    }

    /// A read transaction that is committed, not aborted (for `database`).
    private func readKeepingHandles<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try readerLock?.acquire()
        defer { readerLock?.release() }
        enter()
        defer { leave() }
        mapLock.lockShared()
        defer { mapLock.unlock() }
        let txn = try begin(readOnly: true)
        let result: R
        do {
            result = try body(txn)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try check(mdb_txn_commit(txn), "open databases of \(path)")
        return result
    }

    // MARK: Helpers

    private static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Map sizes are whole units of 64 MiB (or of the reserve, when smaller).
    private func roundUp(_ n: Int) -> Int {
        let unit = min(1 << 26, max(1 << 16, mapReserve.load(ordering: .relaxed)))
        return (n + unit - 1) / unit * unit
    }
}

/// The shared `flock` readers take on data.mdb when LMDB's lock file cannot
/// be used (another user's index): it keeps Tihua's writers, which lock the
/// same file exclusively, from reusing pages a reader is reading. Counted,
/// because a `flock` belongs to the open file, not to a thread.
final class ReaderFileLock: Sendable {
    private let fd: Int32
    private let holders = Mutex<Int>(0)
    private let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StoreError.system(errno, "open \(path) to lock it for reading") }
    }

    deinit { close(fd) }

    func acquire() throws {
        try holders.withLock { count in
            if count == 0 {
                while flock(fd, LOCK_SH) != 0 {
                    if errno == EINTR { continue }
                    throw StoreError.system(errno, "lock \(path) for reading")
                }
            }
            count += 1
        }
    }

    func release() {
        holders.withLock { count in
            count -= 1
            if count == 0 { flock(fd, LOCK_UN) }
        }
    }
}
