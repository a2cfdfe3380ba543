import CLMDB

/// One stored block of vectors: rows `firstRow ..< firstRow + rows`, each
/// `dimension` float32s, contiguous and row-major, pointing into the map.
public struct VectorBlock {
    public let firstRow: Int
    public let rows: Int
    public let vectors: UnsafePointer<Float>
}

/// A record as stored: its id, import sequence, vector row (if embedded) and
/// document bytes (pointing into the map).
public struct RecordView {
    public let id: String
    public let sequence: UInt64
    public let vectorRow: Int?
    public let document: UnsafeRawBufferPointer
}

/// A collection as one read transaction sees it. Like the transaction, it
/// is valid only inside the closure that made it.
public struct CollectionSnapshot {
    public let collection: Collection
    public let info: CollectionInfo
    let txn: ReadTransaction

    public var name: String { collection.name }
    public var vectorCount: Int { info.vectorCount }
    public var dimension: Int? { info.dimension }

    // MARK: Records

    /// The visible record with external id `id`, or nil.
    public func record(_ id: String) throws -> RecordView? {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else { return nil }
        return try view(id: id, value: value)
    }

    private func view(id: String, value: UnsafeRawBufferPointer) throws -> RecordView? {
        guard RecordLayout.isWellFormed(value) else {
            throw StoreError(.corrupt, "index \(txn.index.path): record '\(id)' of \(name) is truncated")
        }
        let sequence = RecordLayout.sequence(value)
        guard sequence < info.nextSequence else { return nil }  // staged, not published
        let row = RecordLayout.vectorRow(value)
        return RecordView(id: id, sequence: sequence,
                          vectorRow: row < UInt64(info.vectorCount) ? Int(row) : nil,
                          document: RecordLayout.document(value))
    }

    /// Visits visible records in import order, from sequence `from`.
    public func forEachRecord(from: UInt64 = 0, _ body: (RecordView) throws -> Bool) throws {
        try txn.forEach(in: collection.order, from: from) { key, idBytes in
            let sequence = decodeKey(key)
            guard sequence < info.nextSequence else { return false }
            let id = String(decoding: idBytes, as: UTF8.self)
            guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)"),
                  let record = try view(id: id, value: value) else {
                throw StoreError(.corrupt, "index \(txn.index.path): \(name) lists '\(id)' in its order but has no such record")
            }
            return try body(record)
        }
    }

    // MARK: Vectors

    /// The external id of vector row `row`.
    public func id(ofRow row: Int) throws -> String {
        precondition(row >= 0 && row < info.vectorCount, "row \(row) outside 0..<\(info.vectorCount)")
        guard let value = try txn.get(collection.rowids, UInt64(row), "id of row \(row) of \(name)"),
              value.count >= RowLayout.headerSize else {
            throw StoreError(.corrupt, "index \(txn.index.path): row \(row) of \(name) has no id")
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

    /// Every visible vector, block by block, zero-copy.
    public func blocks() throws -> [VectorBlock] {
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

    /// The stored (unit-length) vector of row `row`, zero-copy.
    public func vector(row: Int) throws -> UnsafeBufferPointer<Float> {
        guard let dimension = info.dimension, row >= 0, row < info.vectorCount else {
            throw StoreError(.notFound, "\(name) has no vector row \(row)")
        }
        let b = row / info.blockRows
        let rows = min(info.blockRows, info.vectorCount - b * info.blockRows)
        let base = try blockPointer(b, rows: rows, dimension: dimension)
        return UnsafeBufferPointer(start: base + (row - b * info.blockRows) * dimension, count: dimension)
    }

    func blockPointer(_ block: Int, rows: Int, dimension: Int) throws -> UnsafePointer<Float> {
        guard let value = try txn.get(collection.blocks, UInt64(block), "vector block \(block) of \(name)"),
              value.count >= rows * dimension * 4 else {
            throw StoreError(.corrupt, "index \(txn.index.path): vector block \(block) of \(name) is missing or shorter than its \(rows) rows")
        }
        // LMDB keeps a large value contiguous in overflow pages; floats are
        // read in place. Small values may be 2-byte aligned: x86 and ARM load
        // unaligned floats, and every reader here uses unaligned-safe loads.
        return value.baseAddress!.assumingMemoryBound(to: Float.self)
    }
}

extension ReadTransaction {
    /// The collection as this transaction sees it.
    public func snapshot(_ collection: Collection) throws -> CollectionSnapshot {
        CollectionSnapshot(collection: collection, info: try info(collection), txn: self)
    }
}
