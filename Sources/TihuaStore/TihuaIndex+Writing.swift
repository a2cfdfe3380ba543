extension TihuaIndex {
    /// Changes `collection` in one transaction and publishes the result.
    /// The closure may be rerun after the memory map grows: it must change
    /// nothing outside the writer.
    public func update<R>(_ collection: Collection, _ body: (CollectionWriter) throws -> R) throws -> R {
        try writerLock.withLock {
            try transaction { txn in
                let writer = try openWriter(txn, collection)
                let result = try body(writer)
                try txn.setInfo(writer.info)
                return result
            }
        }
    }

    /// Changes `collection` in as many transactions as `body` makes batches,
    /// and publishes them together at the end: readers see all of it or none
    /// of it, and an import killed midway leaves the index as it was (what it
    /// wrote is discarded by the next writer). Other writers wait meanwhile.
    public func stagedWrite<R>(_ collection: Collection, _ body: (StagedWrite) throws -> R) throws -> R {
        try writerLock.withLock {
            let start: CollectionInfo = try transaction { txn in
                let writer = try openWriter(txn, collection)
                try txn.setStagingMark(collection.name, true)
                return writer.info
            }
            let staged = StagedWrite(index: self, collection: collection, info: start)
            do {
                let result = try body(staged)
                try transaction { txn in
                    let writer = CollectionWriter(txn: txn, collection: collection, info: staged.info)
                    for (name, bytes) in staged.attachments { try writer.setAttachment(name, bytes) }
                    try txn.setInfo(staged.info)
                    try txn.setStagingMark(collection.name, false)
                }
                return result
            } catch {
                // Give the space back now rather than at the next write.
                _ = try? transaction { txn in _ = try openWriter(txn, collection) }
                throw error
            }
        }
    }

    /// A writer on the published state; first discards what an unfinished
    /// staged write left behind.
    private func openWriter(_ txn: WriteTransaction, _ collection: Collection) throws -> CollectionWriter {
        let info = try txn.info(collection.name) ?? CollectionInfo(name: collection.name)
        let writer = CollectionWriter(txn: txn, collection: collection, info: info)
        if try txn.hasStagingMark(collection.name) {
            try writer.discardUnpublished()
            try txn.setStagingMark(collection.name, false)
        }
        return writer
    }
}

/// A write spanning many transactions (see `TihuaIndex.stagedWrite`).
public final class StagedWrite {
    let index: TihuaIndex
    public let collection: Collection
    /// The collection as it will be published.
    public private(set) var info: CollectionInfo
    /// Attachments to store when the write is published (see `setAttachment`).
    public var attachments: [String: [UInt8]] = [:]

    init(index: TihuaIndex, collection: Collection, info: CollectionInfo) {
        self.index = index
        self.collection = collection
        self.info = info
    }

    /// Runs one batch in its own transaction and commits it (unpublished).
    /// The closure may be rerun after the memory map grows, so it must take
    /// its input by position, not by consuming an iterator.
    public func batch<R>(_ body: (CollectionWriter) throws -> R) throws -> R {
        let start = info
        let (result, end): (R, CollectionInfo) = try index.transaction { txn in
            let writer = CollectionWriter(txn: txn, collection: collection, info: start)
            let result = try body(writer)
            return (result, writer.info)
        }
        info = end
        return result
    }
}

extension ReadTransaction {
    func hasStagingMark(_ name: String) throws -> Bool {
        try get(index.meta, "staging/" + name, "staging mark of \(name)") != nil
    }
}

extension WriteTransaction {
    /// Marks a collection as having unpublished data while a staged write runs.
    func setStagingMark(_ name: String, _ on: Bool) throws {
        if on {
            try [UInt8(1)].withUnsafeBytes { try put(index.meta, "staging/" + name, $0, "staging mark of \(name)") }
        } else {
            try delete(index.meta, "staging/" + name, "staging mark of \(name)")
        }
    }
}
