/// Small derived documents attached to a collection (e.g. the rhyme table
/// of the poems), stored in `meta` under `attachment/COLLECTION/NAME` and
/// published together with the collection's data.
extension CollectionSnapshot {
    /// The attachment `name` (copied), or nil.
    public func attachment(_ name: String) throws -> [UInt8]? {
        try txn.get(txn.index.meta, Self.attachmentKey(collection.name, name), "attachment \(name) of \(self.name)").map(Array.init)
    }

    static func attachmentKey(_ collection: String, _ name: String) -> String {
        "attachment/\(collection)/\(name)"
    }
}

extension CollectionWriter {
    /// Stores an attachment; readers see it when the write is published.
    public func setAttachment(_ name: String, _ bytes: [UInt8]) throws {
        let key = CollectionSnapshot.attachmentKey(collection.name, name)
        guard !name.isEmpty, key.utf8.count <= 480 else {
            throw StoreError(.invalidInput, "\(self.name): attachment name '\(name.prefix(40))' is empty or too long")
        }
        pendingAttachments[name] = bytes
    }
}
