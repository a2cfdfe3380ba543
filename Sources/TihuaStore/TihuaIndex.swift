import CLMDB
import Foundation
import Synchronization

/// An index: one LMDB environment in a folder, holding collections of
/// records (external id + optional JSON document) and L2-normalised vectors.
///
/// Reads and writes happen inside closures (`read { txn in … }`,
/// `write { txn in … }`) so that no pointer into the memory map outlives its
/// transaction. Writers are serialised across processes (see `WriterLock`).
public final class TihuaIndex: Sendable {
    public let path: String
    let environment: Environment
    let meta: MDB_dbi
    let writerLock: WriterLock
    private let collectionHandles = Mutex<[String: Collection]>([:])
    /// The last decoded metadata of each collection with the bytes it came
    /// from: a search reads it every call, and decoding JSON costs more than
    /// comparing a few hundred bytes.
    let infoCache = Mutex<[String: (bytes: [UInt8], info: CollectionInfo)]>([:])

    /// Opens the index in folder `path`. With `create`, a missing folder is
    /// created; without, a missing index is an error.
    public convenience init(path: String, create: Bool = false) throws {
        try self.init(path: path, create: create, initialMapSize: Environment.initialMapSize)
    }

    /// `initialMapSize` is for tests of map growth.
    init(path: String, create: Bool, initialMapSize: Int) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw StoreError(.invalidInput, "\(path) is a file, not an index folder")
        }
        if !exists || !FileManager.default.fileExists(atPath: path + "/data.mdb") {
            guard create else {
                throw StoreError(.notFound, "no index at \(path) (import something into it first)")
            }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.invalidInput, "cannot create index folder \(path): \(error.localizedDescription)")
            }
        }
        environment = try Environment(path: path, initialMapSize: initialMapSize)
        writerLock = try WriterLock(path: path + "/data.mdb")
        meta = try environment.database(Schema.metaDatabase, create: true)!
        try checkSchema()
        // Open every collection's databases now, outside any transaction.
        for info in try collections() { _ = try resolve(info.name, create: false) }
    }

    private func checkSchema() throws {
        let stored: Int? = try environment.read { txn in
            try txn.get(meta, Schema.versionKey, "schema version of \(path)").map {
                Int(String(decoding: $0, as: UTF8.self)) ?? -1
            }
        }
        switch stored {
        case nil:
            try writerLock.withLock {
                try transaction { txn in
                    // Written once, by whichever process opens a new index first.
                    if try txn.get(meta, Schema.versionKey, "schema version") == nil {
                        try Array(String(Schema.version).utf8).withUnsafeBytes {
                            try txn.put(meta, Schema.versionKey, $0, "schema version of \(path)")
                        }
                    }
                }
            }
        case let v? where v == Schema.version:
            return
        case let v? where v > Schema.version:
            throw StoreError(.schema, "index \(path) has schema version \(v), newer than this build reads (\(Schema.version)); upgrade tihua")
        case let v?:
            throw StoreError(.schema, "index \(path) has schema version \(v), which this build cannot read (it reads \(Schema.version)); rebuild the index")
        }
    }

    // MARK: Transactions

    /// Runs `body` in a read transaction: a consistent snapshot that no
    /// concurrent writer changes.
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        try environment.read { txn in
            txn.index = self
            return try body(txn)
        }
    }

    /// Runs `body` in one write transaction, committed when it returns and
    /// rolled back when it throws. The closure may be rerun after the memory
    /// map grows, so it must change nothing but the transaction.
    public func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try writerLock.withLock { try transaction(body) }
    }

    /// A write transaction bound to this index; the caller holds the writer lock.
    func transaction<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try environment.write { txn in
            txn.index = self
            return try body(txn)
        }
    }

    // MARK: Collections

    /// The handle of an existing collection, or nil.
    public func collection(_ name: String) throws -> Collection? {
        guard try info(of: name) != nil else { return nil }  // prepared but never published: absent
        if let c = collectionHandles.withLock({ $0[name] }) { return c }
        return try resolve(name, create: false)
    }

    /// The handle of a collection, creating it (empty) if missing.
    public func createCollection(_ name: String) throws -> Collection {
        let c = try prepareCollection(name)
        try update(c) { _ in }
        return c
    }

    /// The handle of a collection that may not exist yet: the first write
    /// through `update` or `stagedWrite` creates it when it publishes, so a
    /// failed first import leaves no empty collection behind.
    public func prepareCollection(_ name: String) throws -> Collection {
        try Collection.validate(name: name)
        if let c = collectionHandles.withLock({ $0[name] }) { return c }
        return try resolve(name, create: true)
    }

    /// The handle of an existing collection, or a `notFound` error naming it.
    public func requireCollection(_ name: String) throws -> Collection {
        guard let c = try collection(name) else {
            throw StoreError(.notFound, "no collection '\(name)' in index \(path)")
        }
        return c
    }

    private func resolve(_ name: String, create: Bool) throws -> Collection {
        var handles: [MDB_dbi] = []
        for suffix in Collection.suffixes {
            guard let dbi = try environment.database("\(name).\(suffix)", create: create) else {
                // A collection created before a database kind existed: create it now.
                handles.append(try environment.database("\(name).\(suffix)", create: true)!)
                continue
            }
            handles.append(dbi)
        }
        let c = Collection(name: name, handles: handles)
        collectionHandles.withLock { $0[name] = c }
        return c
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
