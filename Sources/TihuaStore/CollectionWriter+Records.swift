/// Changing a record in place: its document, or its vector.
extension CollectionWriter {
    /// Replaces the document of record `id`, keeping its sequence and vector.
    /// Returns false when there is no such record.
    @discardableResult
    public func replaceDocument(id: String, document: UnsafeRawBufferPointer) throws -> Bool {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else { return false }
        guard RecordLayout.isWellFormed(value) else {
            throw StoreError(.corrupt, "index \(path): record '\(id)' of \(name) is truncated")
        }
        let updated = RecordLayout.encode(sequence: RecordLayout.sequence(value), vectorRow: RecordLayout.vectorRow(value),
                                          document: document)
        try updated.withUnsafeBytes { try txn.put(collection.records, id, $0, "record '\(id)' of \(name)") }
        return true
    }

    /// Takes the vector of record `id` away, keeping the record (an embed
    /// job then gives it a new one): for a record whose embedded text
    /// changed. The last vector row moves into the freed row, as on delete.
    /// Returns false when the record has no vector.
    @discardableResult
    public func detachVector(id: String) throws -> Bool {
        guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else {
            throw StoreError(.notFound, "\(name) has no record '\(id)'")
        }
        let row = RecordLayout.vectorRow(value)
        guard row != noRow, row < UInt64(info.vectorCount) else { return false }
        try setVectorRow(of: id, to: noRow)
        try removeVectorRows([Int(row)])
        return true
    }
}
