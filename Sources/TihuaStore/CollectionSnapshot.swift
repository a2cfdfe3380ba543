import CLMDB

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

    /// The stored (unit-length) vector of row `row`, copied.
    public func vector(row: Int) throws -> [Float] {
        try withVector(row: row) { Array($0) }
    }

    /// Lends `body` the stored vector of row `row`, read in place from the
    /// map; the buffer must not be used after `body` returns.
    public func withVector<R>(row: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard let dimension = info.dimension, row >= 0, row < info.vectorCount else {
            throw StoreError(.notFound, "\(name) has no vector row \(row)")
        }
        let b = row / info.blockRows
        let rows = min(info.blockRows, info.vectorCount - b * info.blockRows)
        let base = try blockPointer(b, rows: rows, dimension: dimension)
        return try body(UnsafeBufferPointer(start: base + (row - b * info.blockRows) * dimension, count: dimension))
    }

    /// Lends `body` every visible vector, block by block, in row order:
    /// `rows × dimension` floats starting at row `firstRow`, read in place
    /// from the map (valid only during the call).
    public func forEachBlock(_ body: (_ firstRow: Int, _ vectors: UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let dimension = info.dimension else { return }
        for block in try blocks() {
            try body(block.firstRow, UnsafeBufferPointer(start: block.vectors, count: block.rows * dimension))
        }
    }

    /// Every visible vector, block by block, zero-copy: for scans inside
    /// this package, which keep the pointers within the transaction.
    package func blocks() throws -> [VectorBlock] {
        guard let dimension = info.dimension, info.vectorCount > 0 else { return [] }
        let blockRows = info.blockRows
        let count = (info.vectorCount + blockRows - 1) / blockRows
        var result: [VectorBlock] = []
        result.reserveCapacity(count)
        for b in 0..<count {
            let firstRow = b * blockRows
            let rows = min(blockRows, info.vectorCount - firstRow)
            result.append(VectorBlock(firstRow: firstRow, rows: rows,
                                      vectors: try blockPointer(b, rows: rows, dimension: dimension)))
        }
        return result
    }

    func blockPointer(_ block: Int, rows: Int, dimension: Int) throws -> UnsafePointer<Float> {
        guard let value = try txn.get(collection.blocks, UInt64(block), "vector block \(block) of \(name)"),
              value.count >= rows * dimension * 4 else {
            throw StoreError(.corrupt, "index \(path): vector block \(block) of \(name) is missing or shorter than its \(rows) rows")
        }
        // LMDB keeps a large value contiguous in overflow pages; floats are
        // read in place. Small values may be 2-byte aligned: x86 and ARM load
        // unaligned floats, and every reader here uses unaligned-safe loads.
        return value.baseAddress!.assumingMemoryBound(to: Float.self)
    }
}

/// A record as stored: its id, import sequence, vector row (if embedded) and
/// document bytes (a copy).
public struct StoredRecord: Sendable, Equatable {
    public let id: String
    public let sequence: UInt64
    public let vectorRow: Int?
    public let document: [UInt8]
}

/// One stored block of vectors: rows `firstRow ..< firstRow + rows`, each
/// `dimension` float32s, contiguous and row-major, pointing into the map.
package struct VectorBlock {
    package let firstRow: Int
    package let rows: Int
    package let vectors: UnsafePointer<Float>
}

extension ReadTransaction {
    /// The collection as this transaction sees it.
    public func snapshot(_ collection: Collection) throws -> CollectionSnapshot {
        CollectionSnapshot(collection: collection, info: try info(collection), txn: self)
    }
}
