import CLMDB
import TihuaCompute

/// A collection as one read transaction sees it. Like the transaction, it
/// is valid only inside the closure that made it; what it returns is copied
/// (records, ids, vectors) or lent to a closure (`withVector`, `forEachBlock`).
public struct CollectionSnapshot {
    public let collection: Collection
    public let info: CollectionInfo
    let txn: ReadTransaction

    public var name: String { collection.name }
    public var vectorCount: Int { info.vectorCount }
    public var dimension: Int? { info.dimension }
    var path: String { txn.index.path }

    // MARK: Records

    /// The visible record with external id `id` (its document copied), or nil.
    public func record(_ id: String) throws -> StoredRecord? {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else { return nil }
        return try record(id: id, value: value)
    }

    private func record(id: String, value: UnsafeRawBufferPointer) throws -> StoredRecord? {
        guard RecordLayout.isWellFormed(value) else {
            throw StoreError(.corrupt, "index \(path): record '\(id)' of \(name) is truncated")
        }
        let sequence = RecordLayout.sequence(value)
        guard sequence < info.nextSequence else { return nil }  // staged, not published
        let row = RecordLayout.vectorRow(value)
        return StoredRecord(id: id, sequence: sequence,
                            vectorRow: row < UInt64(info.vectorCount) ? Int(row) : nil,
                            document: Array(RecordLayout.document(value)))
    }

    /// Visits visible records in import order, from sequence `from`;
    /// `body` returns false to stop.
    public func forEachRecord(from: UInt64 = 0, _ body: (StoredRecord) throws -> Bool) throws {
        try txn.forEach(in: collection.order, from: from) { key, idBytes in
            guard key.count == 8 else {
                throw StoreError(.corrupt, "index \(path): \(name) has an order key of \(key.count) bytes")
            }
            let sequence = decodeKey(key)
            guard sequence < info.nextSequence else { return false }
            let id = String(decoding: idBytes, as: UTF8.self)
            guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)"),
                  let record = try record(id: id, value: value) else {
                throw StoreError(.corrupt, "index \(path): \(name) lists '\(id)' in its order but has no such record")
            }
            return try body(record)
        }
    }

    // MARK: Vectors

    /// The external id of vector row `row`.
    public func id(ofRow row: Int) throws -> String {
        guard row >= 0 && row < info.vectorCount else {
            throw StoreError(.notFound, "\(name) has no vector row \(row)")
        }
        guard let value = try txn.get(collection.rowids, UInt64(row), "id of row \(row) of \(name)"),
              value.count >= RowLayout.headerSize else {
            throw StoreError(.corrupt, "index \(path): row \(row) of \(name) has no id")
        }
        return RowLayout.id(value)
    }

    /// The IVF list vector row `row` is filed under, if any.
    func list(ofRow row: Int) throws -> UInt32? {
        guard let value = try txn.get(collection.rowids, UInt64(row), "row \(row) of \(name)"),
              value.count >= RowLayout.headerSize else { return nil }
        let list = RowLayout.list(value)
        return list == noList ? nil : list
    }

    /// The stored (unit-length) vector of row `row`, copied (decoded from
    /// the collection's dtype).
    public func vector(row: Int) throws -> [Float] {
        try withVector(row: row) { Array($0) }
    }

    /// Lends `body` the vector of row `row`: read in place from the map for
    /// a float32 collection, decoded into a temporary buffer otherwise; the
    /// buffer must not be used after `body` returns.
    public func withVector<R>(row: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard let dimension = info.dimension, row >= 0, row < info.vectorCount else {
            throw StoreError(.notFound, "\(name) has no vector row \(row)")
        }
        let encoding = try self.encoding()
        let b = row / info.blockRows
        let rows = min(info.blockRows, info.vectorCount - b * info.blockRows)
        let base = try blockBytes(b, rows: rows) + (row - b * info.blockRows) * info.bytesPerVector
        if case .float32 = encoding {
            return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: dimension))
        }
        return try withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { out in
            encoding.decode(base, count: 1, dimension: dimension, into: out.baseAddress!)
            return try body(UnsafeBufferPointer(out))
        }
    }

    /// How the rows of this collection are stored (an `int8` collection
    /// without ranges holds no rows to read).
    package func encoding() throws -> VectorEncoding {
        guard let encoding = info.encoding else {
            throw StoreError(.corrupt, "index \(path): \(name) stores int8 vectors without their ranges")
        }
        return encoding
    }

    /// Lends `body` every visible vector as float32, block by block, in row
    /// order: `rows × dimension` floats starting at row `firstRow`, read in
    /// place from the map (float32) or decoded into a scratch buffer (other
    /// dtypes); valid only during the call.
    public func forEachBlock(_ body: (_ firstRow: Int, _ vectors: UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let dimension = info.dimension, info.vectorCount > 0 else { return }
        let encoding = try self.encoding()
        var scratch: [Float] = []
        for block in try encodedBlocks() {
            if case .float32 = encoding {
                try body(block.firstRow, UnsafeBufferPointer(start: block.bytes.assumingMemoryBound(to: Float.self),
                                                             count: block.rows * dimension))
                continue
            }
            if scratch.count < block.rows * dimension { scratch = [Float](repeating: 0, count: block.rows * dimension) }
            try scratch.withUnsafeMutableBufferPointer { s in
                encoding.decode(block.bytes, count: block.rows, dimension: dimension, into: s.baseAddress!)
                try body(block.firstRow, UnsafeBufferPointer(start: s.baseAddress!, count: block.rows * dimension))
            }
        }
    }

    /// Every visible vector, block by block, zero-copy, in the collection's
    /// own encoding: for scans inside this package, which keep the pointers
    /// within the transaction.
    package func encodedBlocks() throws -> [EncodedBlock] {
        guard info.dimension != nil, info.vectorCount > 0 else { return [] }
        let blockRows = info.blockRows
        let count = (info.vectorCount + blockRows - 1) / blockRows
        var result: [EncodedBlock] = []
        result.reserveCapacity(count)
        for b in 0..<count {
            let firstRow = b * blockRows
            let rows = min(blockRows, info.vectorCount - firstRow)
            result.append(EncodedBlock(firstRow: firstRow, rows: rows, bytes: try blockBytes(b, rows: rows)))
        }
        return result
    }

    /// Every visible vector as float32 blocks: in place from the map for a
    /// float32 collection; decoded copies otherwise (for an IVF build or a
    /// test, which need float32 rows; scans use `encodedBlocks`).
    package func blocks() throws -> [VectorBlock] {
        guard let dimension = info.dimension, info.vectorCount > 0 else { return [] }
        let encoding = try self.encoding()
        return try encodedBlocks().map { block in
            if case .float32 = encoding {
                return VectorBlock(firstRow: block.firstRow, rows: block.rows,
                                   vectors: block.bytes.assumingMemoryBound(to: Float.self), owner: nil)
            }
            let owner = DecodedRows(count: block.rows * dimension)
            encoding.decode(block.bytes, count: block.rows, dimension: dimension, into: owner.values)
            return VectorBlock(firstRow: block.firstRow, rows: block.rows, vectors: UnsafePointer(owner.values), owner: owner)
        }
    }

    /// The float32 copy of row `row` (a float32 collection's own vector; a
    /// compressed one's copy when it keeps them), lent to `body` in place.
    package func withFloat32Copy<R>(row: Int, _ body: (UnsafePointer<Float>) throws -> R) throws -> R {
        guard let dimension = info.dimension, row >= 0, row < info.vectorCount else {
            throw StoreError(.notFound, "\(name) has no vector row \(row)")
        }
        guard info.dtype == .float32 || info.hasFloat32Copy else {
            throw StoreError(.invalidInput, "\(name) stores \(info.dtype.rawValue) vectors and keeps no float32 copy of them")
        }
        let b = row / info.blockRows
        let rows = min(info.blockRows, info.vectorCount - b * info.blockRows)
        let base = try blockBytes(b, rows: rows, keyBase: info.dtype == .float32 ? 0 : float32CopyKeyBase, rowBytes: dimension * 4)
        return try body((base + (row - b * info.blockRows) * dimension * 4).assumingMemoryBound(to: Float.self))
    }

    func blockBytes(_ block: Int, rows: Int, keyBase: UInt64 = 0, rowBytes: Int? = nil) throws -> UnsafeRawPointer {
        let key = keyBase + UInt64(block)
        guard let value = try txn.get(collection.blocks, key, "vector block \(key) of \(name)"),
              value.count >= rows * (rowBytes ?? info.bytesPerVector) else {
            throw StoreError(.corrupt, "index \(path): vector block \(block) of \(name) is missing or shorter than its \(rows) rows")
        }
        // LMDB keeps a large value contiguous in overflow pages; rows are
        // read in place. Small values may be 2-byte aligned: x86 and ARM load
        // unaligned floats, and every reader here uses unaligned-safe loads.
        return value.baseAddress!
    }
}

/// Float32 copies of compressed vectors live in the blocks database under
/// keys from here (block b of the copies is `float32CopyKeyBase + b`).
let float32CopyKeyBase: UInt64 = 1 << 62

/// A record as stored: its id, import sequence, vector row (if embedded) and
/// document bytes (a copy).
public struct StoredRecord: Sendable, Equatable {
    public let id: String
    public let sequence: UInt64
    public let vectorRow: Int?
    public let document: [UInt8]
}

/// One block of vectors as float32: rows `firstRow ..< firstRow + rows`,
/// each `dimension` floats, contiguous and row-major, pointing into the map
/// (float32 collections) or into decoded memory the block keeps alive.
package struct VectorBlock {
    package let firstRow: Int
    package let rows: Int
    package let vectors: UnsafePointer<Float>
    let owner: DecodedRows?
}

/// One stored block in the collection's encoding: `rows` rows of
/// `info.bytesPerVector` bytes from `bytes`, in the map.
package struct EncodedBlock {
    package let firstRow: Int
    package let rows: Int
    package let bytes: UnsafeRawPointer
}

/// Float32 rows decoded from a compressed block, freed with the last block
/// that points into them.
final class DecodedRows {
    let values: UnsafeMutablePointer<Float>
    init(count: Int) {
        values = .allocate(capacity: max(1, count))
        values.initialize(repeating: 0, count: max(1, count))
    }
    deinit { values.deallocate() }
}

extension ReadTransaction {
    /// The collection as this transaction sees it.
    public func snapshot(_ collection: Collection) throws -> CollectionSnapshot {
        CollectionSnapshot(collection: collection, info: try info(collection), txn: self)
    }
}
