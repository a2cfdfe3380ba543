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

        // What moves: ids and lists, read before anything is overwritten.
        var moved: [(id: String, list: UInt32)] = []
        moved.reserveCapacity(movers.count)
        for row in movers {
            guard let value = try txn.get(collection.rowids, UInt64(row), "row \(row) of \(name)"),
                  value.count >= RowLayout.headerSize else {
                throw StoreError(.corrupt, "index \(path): row \(row) of \(name) has no id")
            }
            moved.append((RowLayout.id(value), RowLayout.list(value)))
        }
        let removedLists = info.ivf == nil ? [] : try removed.compactMap { try snapshot.list(ofRow: $0) }
        try moveRows(holes: holes, movers: movers, end: end, keyBase: 0, rowBytes: info.bytesPerVector)
        if info.hasFloat32Copy {
            try moveRows(holes: holes, movers: movers, end: end, keyBase: float32CopyKeyBase, rowBytes: dimension * 4)
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

    /// Moves the stored bytes of rows `movers[i]` into rows `holes[i]` in
    /// the blocks under `keyBase` (a compressed row is not re-encoded); each
    /// block holding a hole is rewritten once.
    private func moveRows(holes: [Int], movers: [Int], end: Int, keyBase: UInt64, rowBytes: Int) throws {
        var moverBytes = [UInt8](repeating: 0, count: movers.count * rowBytes)
        let snap = snapshot
        try moverBytes.withUnsafeMutableBytes { out in
            for (i, row) in movers.enumerated() {
                let b = row / info.blockRows
                let base = try snap.blockBytes(b, rows: min(info.blockRows, info.vectorCount - b * info.blockRows),
                                               keyBase: keyBase, rowBytes: rowBytes)
                (out.baseAddress! + i * rowBytes).copyMemory(from: base + (row - b * info.blockRows) * rowBytes,
                                                             byteCount: rowBytes)
            }
        }
        var byBlock: [Int: [Int]] = [:]
        for (i, hole) in holes.enumerated() { byBlock[hole / info.blockRows, default: []].append(i) }
        for (block, entries) in byBlock.sorted(by: { $0.key < $1.key }) {
            let first = block * info.blockRows
            let rows = min(info.blockRows, end - first)
            var values = try copyOfBlock(block, rows: rows, keyBase: keyBase, rowBytes: rowBytes)
            for i in entries {
                let offset = (holes[i] - first) * rowBytes
                values.replaceSubrange(offset..<(offset + rowBytes), with: moverBytes[(i * rowBytes)..<((i + 1) * rowBytes)])
            }
            try putBlock(block, values, keyBase: keyBase)
        }
    }

    func putBlock(_ block: Int, _ values: [UInt8], keyBase: UInt64 = 0) throws {
        let bytes = max(minimumFloatValueBytes, values.count)
        let key = keyBase + UInt64(block)
        try txn.reserve(collection.blocks, key, size: bytes, "vector block \(key) of \(name)") { out in
            out.initializeMemory(as: UInt8.self, repeating: 0)
            values.withUnsafeBytes { out.copyMemory(from: $0) }
        }
    }

    /// Deletes blocks past the last row, and float32 copies past it (all of
    /// them when the collection keeps none); shrinks nothing inside a block
    /// (rows past `vectorCount` are never read).
    func trimBlocks(dimension: Int) throws {
        let needed = UInt64((info.vectorCount + info.blockRows - 1) / max(1, info.blockRows))
        let neededCopies = info.hasFloat32Copy ? needed : 0
        var doomed: [UInt64] = []
        try txn.forEach(in: collection.blocks, from: needed) { key, _ in
            let block = decodeKey(key)
            if block < float32CopyKeyBase || block >= float32CopyKeyBase + neededCopies { doomed.append(block) }
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
