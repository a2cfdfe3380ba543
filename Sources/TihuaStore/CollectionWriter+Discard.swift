extension CollectionWriter {
    /// Deletes everything beyond the published counters: what an import that
    /// was killed before publishing left behind. Readers never saw it.
    func discardUnpublished() throws {
        // Records staged past `nextSequence`.
        var staged: [(UInt64, String)] = []
        try txn.forEach(in: collection.order, from: info.nextSequence) { key, id in
            staged.append((decodeKey(key), String(decoding: id, as: UTF8.self)))
            return true
        }
        for (sequence, id) in staged {
            if let value = try txn.get(collection.records, id, "record '\(id)' of \(name)"),
               RecordLayout.sequence(value) == sequence {
                try txn.delete(collection.records, id, "record '\(id)' of \(name)")
            }
            try txn.delete(collection.order, sequence, "order entry \(sequence) of \(name)")
        }
        // Vector rows staged past `vectorCount`; a published record that was
        // given one of them goes back to having no vector.
        var rows: [(UInt64, String)] = []
        try txn.forEach(in: collection.rowids, from: UInt64(info.vectorCount)) { key, value in
            rows.append((decodeKey(key), RowLayout.id(value)))
            return true
        }
        for (row, id) in rows {
            if let value = try txn.get(collection.records, id, "record '\(id)' of \(name)"),
               RecordLayout.vectorRow(value) == row {
                try setVectorRow(of: id, to: noRow)
            }
            try txn.delete(collection.rowids, row, "row \(row) of \(name)")
        }
        if let dimension = info.dimension { try trimBlocks(dimension: dimension) }
        try discardUnpublishedIVF()
    }

    /// Drops IVF generations other than the published one (a killed rebuild)
    /// and list entries of unpublished rows (a killed import).
    private func discardUnpublishedIVF() throws {
        var generations = Set<UInt32>()
        try txn.forEach(in: collection.centroids) { key, _ in
            generations.insert(UInt32(truncatingIfNeeded: decodeKey(key)))
            return true
        }
        try txn.forEach(in: collection.lists) { key, _ in
            if let k = IVFLayout.decodeChunkKey(key) { generations.insert(k.generation) }
            return true
        }
        let current = info.ivf?.generation
        for generation in generations where generation != current { try deleteIVFGeneration(generation) }
        guard let ivf = info.ivf, let dimension = info.dimension else { return }
        let count = info.vectorCount
        let rowBytes = ivf.listDType.bytesPerComponent * dimension
        for list in 0..<ivf.lists {
            var stale = false
            try snapshot.forEachChunk(generation: ivf.generation, list: UInt32(list), rowBytes: rowBytes) { _, chunk in
                for i in 0..<chunk.count where chunk.row(i) >= count { stale = true }
            }
            if stale {
                try rewriteList(generation: ivf.generation, list: UInt32(list), rowBytes: rowBytes,
                                chunkRows: ivf.chunkRows, drop: { $0 >= count })
            }
        }
    }
}
