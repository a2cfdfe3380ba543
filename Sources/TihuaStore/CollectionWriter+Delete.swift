import CLMDB

extension CollectionWriter {
    /// Deletes the record `id` and its vector. Returns false if there is no
    /// such record.
    @discardableResult
    public func delete(_ id: String) throws -> Bool {
        try delete(ids: [id]) == 1
    }

    /// Deletes the records `ids` (and their vectors); returns how many were
    /// there (an id given twice counts once). Vector rows stay dense: the
    /// last rows move into the freed ones, and their IVF entries follow.
    /// Done for the whole batch at once, so that each vector block and each
    /// IVF list is rewritten at most once however many ids go.
    @discardableResult
    public func delete(ids: some Sequence<String>) throws -> Int {
        var seen = Set<String>()
        var removed = Set<Int>()
        var deleted = 0
        for id in ids where seen.insert(id).inserted {
            guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else { continue }
            guard RecordLayout.isWellFormed(value) else {
                throw StoreError(.corrupt, "index \(path): record '\(id)' of \(name) is truncated")
            }
            let sequence = RecordLayout.sequence(value)
            let vectorRow = RecordLayout.vectorRow(value)
            try txn.delete(collection.records, id, "record '\(id)' of \(name)")
            try txn.delete(collection.order, sequence, "order entry \(sequence) of \(name)")
            info.recordCount -= 1
            deleted += 1
            if vectorRow != noRow {
                guard vectorRow < UInt64(info.vectorCount) else {
                    throw StoreError(.corrupt, "index \(path): record '\(id)' of \(name) names vector row \(vectorRow) of \(info.vectorCount)")
                }
                removed.insert(Int(vectorRow))
            }
        }
        if !removed.isEmpty { try removeVectorRows(removed) }
        return deleted
    }

    /// Removes vector rows `removed`: the rows past the new end that stay
    /// ("movers") fill the freed rows below it, in order.
    func removeVectorRows(_ removed: Set<Int>) throws {
        guard let dimension = info.dimension else { return }
        let count = info.vectorCount
        let end = count - removed.count
        let holes = removed.filter { $0 < end }.sorted()
        let movers = (end..<count).filter { !removed.contains($0) }
        precondition(holes.count == movers.count)

        // What moves, read before anything is overwritten.
        var moved: [(id: String, list: UInt32)] = []
        moved.reserveCapacity(movers.count)
        // Rows move as stored bytes: a compressed row is not re-encoded.
        let rowBytes = info.bytesPerVector
        var moverVectors = [UInt8](repeating: 0, count: movers.count * rowBytes)
        let snap = snapshot
        try moverVectors.withUnsafeMutableBytes { out in
            for (i, row) in movers.enumerated() {
                guard let value = try txn.get(collection.rowids, UInt64(row), "row \(row) of \(name)"),
                      value.count >= RowLayout.headerSize else {
                    throw StoreError(.corrupt, "index \(path): row \(row) of \(name) has no id")
                }
                moved.append((RowLayout.id(value), RowLayout.list(value)))
                let b = row / info.blockRows
                let base = try snap.blockBytes(b, rows: min(info.blockRows, info.vectorCount - b * info.blockRows))
                (out.baseAddress! + i * rowBytes).copyMemory(from: base + (row - b * info.blockRows) * rowBytes,
                                                             byteCount: rowBytes)
            }
        }
        let removedLists = info.ivf == nil ? [] : try removed.compactMap { try snap.list(ofRow: $0) }

        // Blocks: each block holding a hole is rewritten once.
        var byBlock: [Int: [Int]] = [:]
        for (i, hole) in holes.enumerated() { byBlock[hole / info.blockRows, default: []].append(i) }
        for (block, entries) in byBlock.sorted(by: { $0.key < $1.key }) {
            let first = block * info.blockRows
            let rows = min(info.blockRows, end - first)
            var values = try copyOfBlock(block, rows: rows)
            for i in entries {
                let offset = (holes[i] - first) * rowBytes
                values.replaceSubrange(offset..<(offset + rowBytes), with: moverVectors[(i * rowBytes)..<((i + 1) * rowBytes)])
            }
            try putBlock(block, values)
        }

        // Ids: each hole takes its mover's id and list; the mover's record follows.
        for (i, hole) in holes.enumerated() {
            try RowLayout.encode(list: moved[i].list, id: moved[i].id).withUnsafeBytes {
                try txn.put(collection.rowids, UInt64(hole), $0, "row \(hole) of \(name)")
            }
            try setVectorRow(of: moved[i].id, to: UInt64(hole))
        }
        for row in end..<count { try txn.delete(collection.rowids, UInt64(row), "row \(row) of \(name)") }

        if info.ivf != nil {
            var renamed: [Int: Int] = [:]
            for (i, mover) in movers.enumerated() { renamed[mover] = holes[i] }
            let lists = Set(removedLists).union(moved.map(\.list).filter { $0 != noList })
            try ivfRemoveRows(removed, renamed: renamed, lists: lists)
        }
        info.vectorCount = end
        try trimBlocks(dimension: dimension)
    }

    func putBlock(_ block: Int, _ values: [UInt8]) throws {
        let bytes = max(minimumFloatValueBytes, values.count)
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
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)"),
              RecordLayout.isWellFormed(value) else {
            throw StoreError(.corrupt, "index \(path): row of \(name) names record '\(id)', which does not exist")
        }
        let updated = RecordLayout.encode(sequence: RecordLayout.sequence(value), vectorRow: row,
                                          document: RecordLayout.document(value))
        try updated.withUnsafeBytes { try txn.put(collection.records, id, $0, "record '\(id)' of \(name)") }
    }
}
