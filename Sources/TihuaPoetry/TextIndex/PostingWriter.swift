import TihuaStore

/// Writes gram postings gathered as packed entries
/// (`code << offsetBits | sequence − base`), one sorted array per part,
/// into `poems.text-grams`: the parts are merged (equal codes part by part,
/// so sequences ascend) and each gram's sequences appended to its entry.
enum PostingWriter {
    static let offsetBits: UInt64 = 21

    /// `transaction` runs its closure in one write transaction (a staged
    /// batch or an update); `batchKeys` grams are written per transaction.
    /// With `append`, the table holds no gram yet: keys are written in order
    /// with LMDB's append path.
    static func write(_ parts: [[UInt64]], base: UInt32, into table: Table, append: Bool, batchKeys: Int,
                      transaction: (_ body: (WriteTransaction) throws -> Void) throws -> Void) throws {
        let mask: UInt64 = (1 << offsetBits) - 1
        var heads = [Int](repeating: 0, count: parts.count)
        var pending: [(code: UInt64, sequences: [UInt32])] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let chunk = pending
            try transaction { txn in
                var value: [UInt8] = []
                var key = [UInt8](repeating: 0, count: Gram.keyBytes)
                for (code, sequences) in chunk {
                    for b in 0..<Gram.keyBytes { key[b] = UInt8(truncatingIfNeeded: code >> (8 * UInt64(Gram.keyBytes - 1 - b))) }
                    value.removeAll(keepingCapacity: true)
                    if !append {
                        try txn.withValue(in: table, key: key) { old in if let old { value.append(contentsOf: old) } }
                    }
                    for s in sequences { withUnsafeBytes(of: s.littleEndian) { value.append(contentsOf: $0) } }
                    try txn.put(in: table, key: key, value: value, append: append)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        while true {
            var best: UInt64?
            for (p, part) in parts.enumerated() where heads[p] < part.count {
                let code = part[heads[p]] >> offsetBits
                if best == nil || code < best! { best = code }
            }
            guard let code = best else { break }
            var sequences: [UInt32] = []
            for p in parts.indices {
                while heads[p] < parts[p].count, parts[p][heads[p]] >> offsetBits == code {
                    // A gram a poem holds twice comes twice: keep one.
                    let sequence = base + UInt32(parts[p][heads[p]] & mask)
                    if sequences.last != sequence { sequences.append(sequence) }
                    heads[p] += 1
                }
            }
            pending.append((code, sequences))
            if pending.count >= batchKeys { try flush() }
        }
        try flush()
    }

    /// Appends `sequences` to the entries of `keys` (facets), in key order.
    static func append(_ entries: [[UInt8]: [UInt32]], into table: Table, batchKeys: Int,
                       transaction: (_ body: (WriteTransaction) throws -> Void) throws -> Void) throws {
        let sorted = entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for start in stride(from: 0, to: sorted.count, by: batchKeys) {
            let chunk = sorted[start..<min(sorted.count, start + batchKeys)]
            try transaction { txn in
                for (key, sequences) in chunk {
                    let old = try txn.withValue(in: table, key: key) { $0.map(Postings.decode) } ?? []
                    try txn.put(in: table, key: key, value: Postings.encode(old + sequences))
                }
            }
        }
    }
}
