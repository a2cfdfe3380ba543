import TihuaStore

/// Keeping the phrase index in step with the records: removing a deleted
/// poem's entries, and what a killed import left behind.
enum TextIndexMaintenance {
    /// The key of a duplicate key in `poems.text-keys` (u64 big-endian).
    static func keyBytes(_ key: UInt64) -> [UInt8] {
        withUnsafeBytes(of: key.bigEndian) { Array($0) }
    }

    /// Removes sequence `sequence` of `poem` (normalised) from its grams,
    /// facets and duplicate key.
    static func remove(_ poem: Poem, sequence: UInt32, tables: PoemTables, in txn: WriteTransaction) throws {
        for code in Gram.codes(of: poem) { try remove(sequence, from: Gram.key(code), in: tables.grams, txn) }
        for facet in Facet.of(poem) { try remove(sequence, from: facet.key, in: tables.facets, txn) }
        let key = keyBytes(PoemText.duplicateKey(poem.normalizedLines))
        let owner = try txn.withValue(in: tables.keys, key: key) { value -> UInt32? in
            guard let value, value.count == 4 else { return nil }
            return UInt32(littleEndian: value.loadUnaligned(as: UInt32.self))
        }
        if owner == sequence { try txn.delete(in: tables.keys, key: key) }
    }

    private static func remove(_ sequence: UInt32, from key: [UInt8], in table: Table, _ txn: WriteTransaction) throws {
        guard var list = try txn.withValue(in: table, key: key, { $0.map(Postings.decode) }),
              let at = list.firstIndex(of: sequence) else { return }
        list.remove(at: at)
        if list.isEmpty {
            try txn.delete(in: table, key: key)
        } else {
            try txn.put(in: table, key: key, value: Postings.encode(list))
        }
    }

    /// Removes entries of sequences ≥ `pending.sequence` and variants with
    /// serials ≥ `pending.serial`: what an import that never published wrote.
    /// One pass over the tables (only after an import was killed).
    static func discardUnpublished(from pending: (sequence: UInt32, serial: UInt32), tables: PoemTables,
                                   in txn: WriteTransaction) throws {
        for table in [tables.grams, tables.facets] {
            var changes: [([UInt8], [UInt32])] = []
            try txn.forEachEntry(in: table) { key, value in
                let count = value.count / 4
                if count > 0, UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 4 * (count - 1), as: UInt32.self)) >= pending.sequence {
                    changes.append((Array(key), Postings.decode(value, below: pending.sequence)))
                }
                return true
            }
            for (key, kept) in changes {
                if kept.isEmpty {
                    try txn.delete(in: table, key: key)
                } else {
                    try txn.put(in: table, key: key, value: Postings.encode(kept))
                }
            }
        }
        var staleKeys: [[UInt8]] = []
        try txn.forEachEntry(in: tables.keys) { key, value in
            if value.count == 4, UInt32(littleEndian: value.loadUnaligned(as: UInt32.self)) >= pending.sequence {
                staleKeys.append(Array(key))
            }
            return true
        }
        for key in staleKeys { try txn.delete(in: tables.keys, key: key) }
        try PoemVariants.discard(from: pending.serial, tables: tables, in: txn)
    }
}
