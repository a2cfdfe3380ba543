import CLMDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An index: one LMDB environment in a folder, holding collections of
/// records (external id + optional JSON document) and L2-normalised vectors.
///
/// Reads happen inside `read { txn in … }` and writes inside
/// `write(collection) { writer in … }`; nothing either hands out points
/// into the memory map beyond its closure (values are copied, or lent to a
/// closure such as `withVector(row:)`).
///
/// ## Thread safety
/// A `TihuaIndex` is `Sendable` and meant to be shared: open it once per
/// process and use it from any thread.
/// - Reads run in parallel, each in its own LMDB read transaction (a
///   consistent snapshot that no concurrent writer changes). A transaction
///   and everything obtained from it belong to the closure that received
///   it; the only way to let worker threads share one is
///   `CollectionSnapshot.inParallel`, which prepares it for that first.
/// - Writes are serialised, across threads by a mutex and across processes
///   by an exclusive `flock` on data.mdb (`WriterLock`). A write closure runs
///   exactly once.
/// - Opening never writes: an index that cannot be written (a read-only
///   mount, another user's files, or `readOnly: true`) serves every read,
///   and every write to it is refused with a `.readOnly` error saying why.
/// - Compute (BLAS threads, concurrent model passes) follows
///   `TihuaCompute.ComputeBudget`.
public final class TihuaIndex: Sendable {
    public let path: String
    /// Why this index cannot be written, or nil when it can.
    public let readOnlyReason: String?
    public var isReadOnly: Bool { readOnlyReason != nil }

    let environment: Environment
    let meta: MDB_dbi
    let writerLock: WriterLock?
    private let collectionHandles = Mutex<[String: Collection]>([:])
    /// The last decoded metadata of each collection with the bytes it came
    /// from: a search reads it every call, and decoding JSON costs more than
    /// comparing a few hundred bytes.
    let infoCache = Mutex<[String: (bytes: [UInt8], info: CollectionInfo)]>([:])

    /// Opens the index in folder `path`.
    /// - `create`: a missing index (folder included) is created; without
    ///   it, a missing index is a `.notFound` error.
    /// - `readOnly`: open for reading only (no write transaction is ever
    ///   begun). An index this process cannot write is opened that way too.
    public convenience init(path: String, create: Bool = false, readOnly: Bool = false) throws {
        try self.init(path: path, create: create, readOnly: readOnly, mapReserve: 1 << 30,
                      freeSpace: IndexFolder.freeSpace)
    }

    /// `mapReserve` (room kept free in the map for one write transaction) and
    /// `freeSpace` (bytes free on the file system of a path) are for tests.
    init(path: String, create: Bool, readOnly: Bool, mapReserve: Int,
         freeSpace: (String) -> Int?, lockFile: Bool? = nil) throws {
        self.path = path
        let folder = try IndexFolder.inspect(path)
        let isNew = folder.dataFile == nil
        if isNew {
            guard create, !readOnly else {
                throw StoreError(.notFound, "no index at \(path) (import something into it first)")
            }
            try folder.create(freeSpace: freeSpace)
        }
        var reason = readOnly ? "it was opened for reading" : folder.readOnlyReason()
        var useLockFile = lockFile ?? folder.lockFileUsable()
        if reason == nil && !useLockFile { reason = "its lock.mdb is not writable by this user" }
        if useLockFile {
            let rc = folder.preallocateLockFile()
            if rc == ENOSPC || rc == EDQUOT {
                if isNew { throw StoreError.system(rc, "create index \(path)") }
                // Reads can go on without reader slots; writes could not succeed anyway.
                reason = reason ?? "no space is left on its file system"
                useLockFile = false
            } else if rc == EROFS || rc == EACCES || rc == EPERM {
                reason = reason ?? "its lock.mdb is not writable by this user"
                useLockFile = false
            } else if rc != 0 {
                throw StoreError.system(rc, "prepare the lock file of index \(path)")
            }
        }
        if isNew, let reason { throw StoreError(.readOnly, "cannot create index \(path): \(reason)") }
        readOnlyReason = reason
        environment = try Environment(path: path, readOnly: reason != nil, useLockFile: useLockFile,
                                      mapReserve: mapReserve)
        writerLock = reason == nil ? try WriterLock(path: path + "/data.mdb") : nil

        if let meta = try environment.database(Schema.metaDatabase, create: false) {
            self.meta = meta
            try checkSchema()
        } else {
            // No `meta` database: a new environment, or somebody else's.
            let entries = try environment.read { txn in
                var st = MDB_stat()
                try check(mdb_stat(txn, 1 /* MAIN_DBI */, &st), "read index \(path)")
                return st.ms_entries
            }
            guard entries == 0 else {
                throw StoreError(.notAnIndex, "\(path) holds an LMDB environment that is not a Tihua index (it has no '\(Schema.metaDatabase)' database)")
            }
            guard create, reason == nil else {
                throw StoreError(.notFound, "no index at \(path) (import something into it first)")
            }
            meta = try environment.database(Schema.metaDatabase, create: true)!
            try writerLock!.withLock {
                try transaction { txn in
                    // Written once, by whichever process initialises the index first.
                    if try txn.get(meta, Schema.versionKey, "schema version") == nil {
                        try Array(String(Schema.version).utf8).withUnsafeBytes {
                            try txn.put(meta, Schema.versionKey, $0, "schema version of \(path)")
                        }
                    }
                }
            }
        }
        // Open every collection's databases now, outside any transaction.
        for name in try read({ try $0.collectionNames() }) { _ = try resolve(name) }
    }

    private func checkSchema() throws {
        let stored: String? = try read { txn in
            try txn.get(meta, Schema.versionKey, "schema version of \(path)").map { String(decoding: $0, as: UTF8.self) }
        }
        guard let stored else {
            throw StoreError(.notAnIndex, "\(path) is not a Tihua index (its '\(Schema.metaDatabase)' database has no schema version)")
        }
        guard stored.utf8.count <= 9, let version = Int(stored) else {
            throw StoreError(.corrupt, "index \(path): its schema version '\(stored.prefix(20))' is not a number")
        }
        if version > Schema.version {
            throw StoreError(.schema, "index \(path) has schema version \(version), newer than this build reads (\(Schema.version)); upgrade tihua")
        }
        if version < Schema.version {
            throw StoreError(.schema, "index \(path) has schema version \(version), which this build cannot read (it reads \(Schema.version)); rebuild the index")
        }
    }

    /// Throws unless this index can be written.
    func requireWritable() throws {
        if let readOnlyReason {
            throw StoreError(.readOnly, "index \(path) is read-only (\(readOnlyReason)); nothing was written")
        }
    }

    // MARK: Transactions

    /// Runs `body` in a read transaction: a consistent snapshot that no
    /// concurrent writer changes.
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        try environment.read { raw in
            let txn = ReadTransaction(raw, index: self)
            defer { txn.invalidate() }
            return try body(txn)
        }
    }

    /// One raw write transaction bound to this index; the caller holds the
    /// writer lock. Collections change through `write(_:_:)`.
    func transaction<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try environment.write { raw in
            let txn = WriteTransaction(raw, index: self)
            defer { txn.invalidate() }
            return try body(txn)
        }
    }

    // MARK: Collections

    /// The handle of a published collection, or nil.
    public func collection(_ name: String) throws -> Collection? {
        guard try info(of: name) != nil else { return nil }  // prepared but never published: absent
        if let c = collectionHandles.withLock({ $0[name] }) { return c }
        return try resolve(name)
    }

    /// The handle of a collection to write: an existing one, or a new one
    /// that the first `write` creates when it publishes (so a failed first
    /// import leaves no empty collection behind). Creates its databases,
    /// so the index must be writable.
    public func prepareCollection(_ name: String) throws -> Collection {
        try Collection.validate(name: name)
        if let c = collectionHandles.withLock({ $0[name] }) { return c }
        try requireWritable()
        var handles: [MDB_dbi] = []
        for suffix in Collection.suffixes {
            handles.append(try environment.database("\(name).\(suffix)", create: true)!)
        }
        return remember(Collection(name: name, handles: handles))
    }

    /// Opens the databases of a collection that has metadata.
    private func resolve(_ name: String) throws -> Collection {
        var handles: [MDB_dbi] = []
        for suffix in Collection.suffixes {
            if let dbi = try environment.database("\(name).\(suffix)", create: false) {
                handles.append(dbi)
            } else if !isReadOnly {
                // A collection created before a database kind existed: create it now.
                handles.append(try environment.database("\(name).\(suffix)", create: true)!)
            } else {
                throw StoreError(.corrupt, "index \(path): collection '\(name)' has no '\(name).\(suffix)' database")
            }
        }
        return remember(Collection(name: name, handles: handles))
    }

    private func remember(_ c: Collection) -> Collection {
        collectionHandles.withLock { $0[c.name] = $0[c.name] ?? c; return $0[c.name]! }
    }

    /// Metadata of a collection by name, or nil.
    public func info(of name: String) throws -> CollectionInfo? {
        try read { try $0.info(name) }
    }

    /// All collections, sorted by name.
    public func collections() throws -> [CollectionInfo] {
        try read { try $0.allInfos() }
    }
}
