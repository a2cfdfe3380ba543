import CLMDB

extension CollectionWriter {
    /// Deletes the record `id` and its vector. Returns false if there is no
    /// such record. The last vector row moves into the freed row so that rows
    /// stay dense (and IVF entries follow it).
    @discardableResult
    public func delete(_ id: String) throws -> Bool {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else { return false }
        let sequence = RecordLayout.sequence(value)
        let vectorRow = RecordLayout.vectorRow(value)
        try txn.delete(collection.records, id, "record '\(id)' of \(name)")
        try txn.delete(collection.order, sequence, "order entry \(sequence) of \(name)")
        info.recordCount -= 1
        if vectorRow != noRow { try removeVectorRow(Int(vectorRow)) }
        return true
    }

    /// Removes vector row `row`, moving the last row into its place.
    func removeVectorRow(_ row: Int) throws {
        guard let dimension = info.dimension else { return }
        let last = info.vectorCount - 1
        let snap = snapshot
        let removedList = try snap.list(ofRow: row)
        if let ivf = info.ivf, let list = removedList {
            try rewriteList(generation: ivf.generation, list: list, dimension: dimension, chunkRows: ivf.chunkRows,
                            drop: { $0 == row })
        }
        if row != last {
            // Move the last row's vector, id and IVF entry into `row`.
            guard let lastValue = try txn.get(collection.rowids, UInt64(last), "row \(last) of \(name)") else {
                throw StoreError(.corrupt, "index \(path): row \(last) of \(name) has no id")
            }
            let lastID = RowLayout.id(lastValue)
            let lastList = RowLayout.list(lastValue)
            let moved = Array(try snap.vector(row: last))
            try overwriteRow(row, with: moved, dimension: dimension)
            try RowLayout.encode(list: lastList, id: lastID).withUnsafeBytes {
                try txn.put(collection.rowids, UInt64(row), $0, "row \(row) of \(name)")
            }
            try setVectorRow(of: lastID, to: UInt64(row))
            if let ivf = info.ivf, lastList != noList {
                try rewriteList(generation: ivf.generation, list: lastList, dimension: dimension,
                                chunkRows: ivf.chunkRows, drop: { _ in false },
                                rename: { $0 == last ? row : $0 })
            }
        }
        try txn.delete(collection.rowids, UInt64(last), "row \(last) of \(name)")
        info.vectorCount -= 1
        try trimBlocks(dimension: dimension)
    }

    /// Replaces the vector of row `row` (its block is rewritten).
    private func overwriteRow(_ row: Int, with vector: [Float], dimension: Int) throws {
        let block = row / info.blockRows
        let rows = min(info.blockRows, info.vectorCount - block * info.blockRows)
        var values = try copyOfBlock(block, rows: rows, dimension: dimension)
        let offset = (row - block * info.blockRows) * dimension
        values.replaceSubrange(offset..<(offset + dimension), with: vector)
        try putBlock(block, values)
    }

    func putBlock(_ block: Int, _ values: [Float]) throws {
        let bytes = max(minimumFloatValueBytes, values.count * 4)
        try txn.reserve(collection.blocks, UInt64(block), size: bytes, "vector block \(block) of \(name)") { out in
            out.initializeMemory(as: UInt8.self, repeating: 0)
            values.withUnsafeBytes { out.copyMemory(from: $0) }
        }
    }

    /// Deletes blocks past the last row; shrinks nothing inside a block
    /// (rows past `vectorCount` are never read).
    func trimBlocks(dimension: Int) throws {
        let needed = (info.vectorCount + info.blockRows - 1) / max(1, info.blockRows)
        var doomed: [UInt64] = []
        try txn.forEach(in: collection.blocks, from: UInt64(needed)) { key, _ in
            doomed.append(decodeKey(key))
            return true
        }
        for block in doomed { try txn.delete(collection.blocks, block, "vector block \(block) of \(name)") }
    }

    /// Points record `id` at vector row `row` (or `noRow`).
    func setVectorRow(of id: String, to row: UInt64) throws {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else {
            throw StoreError(.corrupt, "index \(path): row of \(name) names record '\(id)', which does not exist")
        }
        let updated = RecordLayout.encode(sequence: RecordLayout.sequence(value), vectorRow: row,
                                          document: RecordLayout.document(value))
        try updated.withUnsafeBytes { try txn.put(collection.records, id, $0, "record '\(id)' of \(name)") }
    }
}
