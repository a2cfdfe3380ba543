import CLMDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One LMDB environment (an index folder holding `data.mdb` and `lock.mdb`).
///
/// Transactions run inside `read`/`write` closures. The memory map starts at
/// twice the data file (at least `initialMapSize`) and doubles whenever a
/// write transaction fills it; the transaction is then retried from scratch,
/// so a write closure must touch nothing but its transaction.
final class Environment: @unchecked Sendable {
    static let initialMapSize = 1 << 30        // 1 GiB
    static let maxNamedDatabases: UInt32 = 4096

    let path: String
    private let env: OpaquePointer
    private let mapLock = ReadWriteLock()
    private let handles = Mutex<[String: MDB_dbi]>([:])
    /// Threads inside a transaction of this environment (see `database`).
    private let threadsInTransactions = Mutex<[pthread_t: Int]>([:])

    init(path: String, initialMapSize: Int = Environment.initialMapSize) throws {
        self.path = path
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "create LMDB environment for \(path)")
        guard let env else { throw StoreError(.lmdb(-1), "create LMDB environment for \(path)") }
        self.env = env
        do {
            try check(mdb_env_set_maxdbs(env, Self.maxNamedDatabases), "set max databases of \(path)")
            try check(mdb_env_set_maxreaders(env, 1024), "set max readers of \(path)")
            let fileSize = Self.fileSize(path + "/data.mdb")
            try check(mdb_env_set_mapsize(env, max(initialMapSize, Self.roundUp(fileSize * 2))),
                      "set map size of \(path)")
            // NOTLS: a read transaction is not tied to the thread that began it,
            // so parallel scans can share one snapshot.
            try check(mdb_env_open(env, path, UInt32(MDB_NOTLS), 0o644), "open index \(path)")
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit { mdb_env_close(env) }

    // MARK: Transactions

    func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        try insideTransaction {
          try retryingMapChanges {
            try mapLock.withShared {
                let txn = try begin(readOnly: true)
                let wrapper = ReadTransaction(txn, environment: self)
                defer {
                    wrapper.invalidate()
                    mdb_txn_abort(txn)
                }
                return try body(wrapper)
            }
          }
        }
    }

    func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try insideTransaction {
          try retryingMapChanges {
            try mapLock.withShared {
                let txn = try begin(readOnly: false)
                let wrapper = WriteTransaction(txn, environment: self)
                var finished = false
                defer {
                    wrapper.invalidate()
                    if !finished { mdb_txn_abort(txn) }
                }
                let result = try body(wrapper)
                finished = true  // mdb_txn_commit frees the transaction even when it fails
                try check(mdb_txn_commit(txn), "commit a write to \(path)")
                return result
            }
          }
        }
    }

    private func insideTransaction<R>(_ body: () throws -> R) rethrows -> R {
        let me = pthread_self()
        threadsInTransactions.withLock { $0[me, default: 0] += 1 }
        defer {
            threadsInTransactions.withLock {
                $0[me]! -= 1
                if $0[me] == 0 { $0[me] = nil }
            }
        }
        return try body()
    }

    /// Reruns `body` after growing a full map, or after adopting the larger
    /// map another process wrote. Both need the exclusive lock: LMDB allows
    /// `mdb_env_set_mapsize` only while this process has no transaction open.
    private func retryingMapChanges<R>(_ body: () throws -> R) throws -> R {
        while true {
            do {
                return try body()
            } catch let error as StoreError where error.kind == .lmdb(MDB_MAP_FULL) {
                try mapLock.withExclusive {
                    var info = MDB_envinfo()
                    try check(mdb_env_info(env, &info), "read the map size of \(path)")
                    try check(mdb_env_set_mapsize(env, info.me_mapsize * 2), "grow the map of \(path)")
                }
            } catch let error as StoreError where error.kind == .lmdb(MDB_MAP_RESIZED) {
                try mapLock.withExclusive {
                    try check(mdb_env_set_mapsize(env, 0), "adopt the new map size of \(path)")
                }
            }
        }
    }

    private func begin(readOnly: Bool) throws -> OpaquePointer {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn),
                  "begin a \(readOnly ? "read" : "write") transaction on \(path)")
        return txn!
    }

    var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    // MARK: Named databases

    /// The handle of a named database. With `create`, a missing database is
    /// created in a short transaction of its own; without, nil if missing.
    /// Must not be called inside a transaction of this thread (LMDB's write
    /// lock is not reentrant); handles are resolved before `read`/`write`.
    func database(_ name: String, create: Bool) throws -> MDB_dbi? {
        if let dbi = handles.withLock({ $0[name] }) { return dbi }
        // A handle opened now would be invisible to (and, for a write, would
        // deadlock with) the transaction this thread is in.
        if threadsInTransactions.withLock({ $0[pthread_self()] != nil }) {
            throw StoreError(.invalidInput, "database \(name) of \(path) was first used inside a transaction; resolve collections (TihuaIndex.collection) before read/write")
        }
        let dbi: MDB_dbi? = try retryingMapChanges { try mapLock.withShared {
            let txn = try begin(readOnly: !create)
            var dbi = MDB_dbi()
            let rc = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
            if rc == MDB_NOTFOUND {
                mdb_txn_abort(txn)
                return nil
            }
            if rc != 0 {
                mdb_txn_abort(txn)
                throw StoreError.lmdb(rc, "open database \(name) in \(path)")
            }
            try check(mdb_txn_commit(txn), "open database \(name) in \(path)")
            return dbi
        } }
        if let dbi { handles.withLock { $0[name] = dbi } }
        return dbi
    }

    // MARK: Helpers

    private static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    private static func roundUp(_ n: Int) -> Int {
        let unit = 1 << 26  // 64 MiB
        return (n + unit - 1) / unit * unit
    }
}
