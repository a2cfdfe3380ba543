import CLMDB

/// A read-only snapshot of the index. Valid only inside the `read` closure
/// (or the write) that received it: everything it hands out is copied, or
/// lent to a closure; using the transaction after its closure returns is a
/// programming error and traps.
public class ReadTransaction {
    let txn: OpaquePointer
    /// The index this transaction belongs to.
    let index: TihuaIndex
    private(set) var isValid = true

    init(_ txn: OpaquePointer, index: TihuaIndex) {
        self.txn = txn
        self.index = index
    }

    func invalidate() { isValid = false }

    @inline(__always)
    func ensureValid() {
        precondition(isValid, "a Tihua transaction was used outside its read/write closure")
    }

    // MARK: Get

    /// The value stored under `key`, pointing into the map; nil if absent.
    func get(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer? {
        ensureValid()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(txn, dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "read \(what())")
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    func get(_ dbi: MDB_dbi, _ key: UInt64, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer? {
        try withKey(key) { try get(dbi, $0, what()) }
    }

    func get(_ dbi: MDB_dbi, _ key: String, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer? {
        var key = key
        return try key.withUTF8 { try get(dbi, UnsafeRawBufferPointer($0), what()) }
    }

    // MARK: Cursors

    /// Visits entries in key order, starting at the first key ≥ `from` (or
    /// the first key). `body` returns false to stop.
    func forEach(in dbi: MDB_dbi, from: UnsafeRawBufferPointer? = nil,
                 _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool) throws {
        ensureValid()
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor), "open a cursor")
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val(), v = MDB_val()
        var op = MDB_FIRST
        if let from {
            k = MDB_val(mv_size: from.count, mv_data: UnsafeMutableRawPointer(mutating: from.baseAddress))
            op = MDB_SET_RANGE
        }
        var rc = mdb_cursor_get(cursor, &k, &v, op)
        while rc == 0 {
            let keep = try body(UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
            if !keep { return }
            rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try check(rc, "iterate a database") }
    }

    func forEach(in dbi: MDB_dbi, from: UInt64,
                 _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool) throws {
        try withKey(from) { try forEach(in: dbi, from: $0, body) }
    }

    /// Brings database `dbi` up to date in this transaction. LMDB refreshes a
    /// named database's root on its first use in each transaction, a write
    /// to the transaction that must happen before worker threads share it.
    func touch(_ dbi: MDB_dbi) throws {
        ensureValid()
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor), "open a cursor")
        mdb_cursor_close(cursor)
    }

    /// Number of entries in a database.
    func entryCount(_ dbi: MDB_dbi) throws -> Int {
        ensureValid()
        var st = MDB_stat()
        try check(mdb_stat(txn, dbi, &st), "read database statistics")
        return st.ms_entries
    }
}

/// A read-write transaction: everything it writes becomes visible to other
/// transactions at once when its closure returns, or never.
public final class WriteTransaction: ReadTransaction {
    /// Stores `value` under `key`. `flags` may add MDB_NOOVERWRITE or MDB_APPEND.
    func put(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
             flags: Int32 = 0, _ what: @autoclosure () -> String) throws {
        ensureValid()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(txn, dbi, &k, &v, UInt32(flags)), "write \(what())")
    }

    func put(_ dbi: MDB_dbi, _ key: UInt64, _ value: UnsafeRawBufferPointer,
             flags: Int32 = 0, _ what: @autoclosure () -> String) throws {
        try withKey(key) { try put(dbi, $0, value, flags: flags, what()) }
    }

    func put(_ dbi: MDB_dbi, _ key: String, _ value: UnsafeRawBufferPointer,
             flags: Int32 = 0, _ what: @autoclosure () -> String) throws {
        var key = key
        try key.withUTF8 { try put(dbi, UnsafeRawBufferPointer($0), value, flags: flags, what()) }
    }

    /// Reserves `size` bytes under `key` and lets `fill` write them in place
    /// (MDB_RESERVE): large values are written once, straight into the map.
    func reserve(_ dbi: MDB_dbi, _ key: UInt64, size: Int, flags: Int32 = 0,
                 _ what: @autoclosure () -> String,
                 fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        try withKey(key) { try reserveRaw(dbi, $0, size: size, flags: flags, what(), fill: fill) }
    }

    func reserveRaw(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer, size: Int, flags: Int32 = 0,
                    _ what: @autoclosure () -> String,
                    fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        ensureValid()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: size, mv_data: nil)
        try check(mdb_put(txn, dbi, &k, &v, UInt32(flags | MDB_RESERVE)), "write \(what())")
        try fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: size))
    }

    /// Deletes `key`; returns whether it was there.
    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: UnsafeRawBufferPointer, _ what: @autoclosure () -> String) throws -> Bool {
        ensureValid()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(txn, dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "delete \(what())")
        return true
    }

    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: UInt64, _ what: @autoclosure () -> String) throws -> Bool {
        try withKey(key) { try delete(dbi, $0, what()) }
    }

    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: String, _ what: @autoclosure () -> String) throws -> Bool {
        var key = key
        return try key.withUTF8 { try delete(dbi, UnsafeRawBufferPointer($0), what()) }
    }
}

/// Integer keys are stored big-endian so that LMDB's byte order is numeric order.
@inline(__always)
func withKey<R>(_ key: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var be = key.bigEndian
    return try withUnsafeBytes(of: &be) { try body($0) }
}

@inline(__always)
func decodeKey(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    precondition(bytes.count == 8, "an integer key is 8 bytes")
    return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
}
