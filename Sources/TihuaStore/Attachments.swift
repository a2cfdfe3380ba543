/// Small derived documents attached to a collection (e.g. the rhyme table
/// of the poems), stored in `meta` under `attachment/COLLECTION/NAME` and
/// published together with the collection's data.
extension CollectionSnapshot {
    /// The attachment `name`, pointing into the map, or nil.
    public func attachment(_ name: String) throws -> UnsafeRawBufferPointer? {
        try txn.get(txn.index.meta, Self.attachmentKey(collection.name, name), "attachment \(name) of \(self.name)")
    }

    static func attachmentKey(_ collection: String, _ name: String) -> String {
        "attachment/\(collection)/\(name)"
    }
}

extension CollectionWriter {
    /// Stores an attachment; like every change of a writer, readers see it
    /// when the write is published.
    public func setAttachment(_ name: String, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes {
            try txn.put(txn.index.meta, CollectionSnapshot.attachmentKey(collection.name, name), $0,
                        "attachment \(name) of \(self.name)")
        }
    }
}
