/// Records by import sequence: what a layer that indexes records by their
/// sequence number (a phrase index) needs.
extension CollectionSnapshot {
    /// The visible record with import sequence `sequence` (its document
    /// copied), or nil (never imported, deleted, or not yet published).
    public func record(sequence: UInt64) throws -> StoredRecord? {
        guard sequence < info.nextSequence else { return nil }
        guard let idBytes = try txn.get(collection.order, sequence, "order entry \(sequence) of \(name)") else { return nil }
        let id = String(decoding: idBytes, as: UTF8.self)
        guard let record = try record(id), record.sequence == sequence else {
            throw StoreError(.corrupt, "index \(txn.index.path): \(name) lists '\(id)' at sequence \(sequence) but its record disagrees")
        }
        return record
    }

    /// Visits the sequence and vector row of every visible record, in id
    /// order (one pass over the records database, documents not read),
    /// while `body` returns true.
    public func forEachRecordPosition(_ body: (_ sequence: UInt64, _ vectorRow: Int?) throws -> Bool) throws {
        try txn.forEach(in: collection.records) { _, value in
            guard RecordLayout.isWellFormed(value) else {
                throw StoreError(.corrupt, "index \(txn.index.path): a record of \(name) is truncated")
            }
            let sequence = RecordLayout.sequence(value)
            guard sequence < info.nextSequence else { return true }
            let row = RecordLayout.vectorRow(value)
            return try body(sequence, row < UInt64(info.vectorCount) ? Int(row) : nil)
        }
    }
}
