extension TihuaIndex {
    /// Changes `collection`: the one way to write. `body` runs once; what it
    /// does becomes visible to readers all at once when it returns (the
    /// collection's counters are published last), and nothing of it if it
    /// throws. A large write calls `writer.commitBatch()` between batches
    /// (LMDB bounds one transaction's dirty pages): a write killed midway
    /// leaves the index as it was, and the next writer deletes what it left.
    /// Writers wait for each other, in this process and in others.
    public func write<R>(_ collection: Collection, _ body: (CollectionWriter) throws -> R) throws -> R {
        try requireWritable()
        return try writerLock!.withLock {
            try environment.explainingMapFull {
                let writer = try CollectionWriter(index: self, collection: collection)
                do {
                    let result = try body(writer)
                    try writer.publish()
                    return result
                } catch {
                    writer.abandon()
                    throw error
                }
            }
        }
    }

    /// One raw write transaction under the writer lock (schema changes and
    /// tests); collections change through `write(_:_:)`.
    func rawWrite<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try requireWritable()
        return try writerLock!.withLock { try transaction(body) }
    }
}

extension ReadTransaction {
    func hasStagingMark(_ name: String) throws -> Bool {
        try get(index.meta, "staging/" + name, "staging mark of \(name)") != nil
    }
}

extension WriteTransaction {
    /// Marks a collection as having unpublished data while a batched write runs.
    func setStagingMark(_ name: String, _ on: Bool) throws {
        if on {
            try [UInt8(1)].withUnsafeBytes { try put(index.meta, "staging/" + name, $0, "staging mark of \(name)") }
        } else {
            try delete(index.meta, "staging/" + name, "staging mark of \(name)")
        }
    }
}
