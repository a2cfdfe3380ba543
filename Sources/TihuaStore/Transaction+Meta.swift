import Foundation

extension ReadTransaction {
    /// Metadata of collection `name`, or nil if there is none. Metadata
    /// that does not decode, or contradicts itself, is a `.corrupt` error.
    public func info(_ name: String) throws -> CollectionInfo? {
        guard let bytes = try get(index.meta, Schema.collectionKey(name), "metadata of collection \(name)") else {
            return nil
        }
        if let cached = index.infoCache.withLock({ $0[name] }), cached.bytes.elementsEqual(bytes) {
            return cached.info
        }
        let info = try CollectionInfo.decode(Array(bytes), name: name, index: index.path)
        index.infoCache.withLock { $0[name] = (Array(bytes), info) }
        return info
    }

    /// Metadata of a collection that must exist.
    public func info(_ collection: Collection) throws -> CollectionInfo {
        guard let info = try info(collection.name) else {
            throw StoreError.noCollection(collection.name, in: index.path)
        }
        return info
    }

    /// Names of the published collections, sorted (their metadata unread).
    func collectionNames() throws -> [String] {
        var names: [String] = []
        let prefix = Array(Schema.collectionKeyPrefix.utf8)
        try prefix.withUnsafeBytes { from in
            try forEach(in: index.meta, from: from) { key, _ in
                guard key.starts(with: prefix) else { return false }
                names.append(String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
                return true
            }
        }
        return names
    }

    /// Metadata of every collection, sorted by name.
    public func allInfos() throws -> [CollectionInfo] {
        try collectionNames().compactMap { try info($0) }
    }
}

extension WriteTransaction {
    /// Stores a collection's metadata, publishing its counters to readers
    /// (only a collection write does this, when it ends).
    func setInfo(_ info: CollectionInfo) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(info)
        try data.withUnsafeBytes {
            try put(index.meta, Schema.collectionKey(info.name), $0, "metadata of collection \(info.name)")
        }
    }
}
