import Foundation

extension ReadTransaction {
    /// Metadata of collection `name`, or nil if there is none.
    public func info(_ name: String) throws -> CollectionInfo? {
        guard let bytes = try get(index.meta, Schema.collectionKey(name), "metadata of collection \(name)") else {
            return nil
        }
        if let cached = index.infoCache.withLock({ $0[name] }), cached.bytes.elementsEqual(bytes) {
            return cached.info
        }
        do {
            let info = try JSONDecoder().decode(CollectionInfo.self, from: Data(bytes))
            index.infoCache.withLock { $0[name] = (Array(bytes), info) }
            return info
        } catch {
            let reason = (error as? DecodingError)?.summary ?? "\(error)"
            throw StoreError(.corrupt, "index \(index.path): metadata of collection '\(name)' is unreadable: \(reason)")
        }
    }

    /// Metadata of a collection that must exist.
    public func info(_ collection: Collection) throws -> CollectionInfo {
        guard let info = try info(collection.name) else {
            throw StoreError(.notFound, "no collection '\(collection.name)' in index \(index.path)")
        }
        return info
    }

    /// Metadata of every collection, sorted by name.
    public func allInfos() throws -> [CollectionInfo] {
        var names: [String] = []
        let prefix = Array(Schema.collectionKeyPrefix.utf8)
        try prefix.withUnsafeBytes { from in
            try forEach(in: index.meta, from: from) { key, _ in
                guard key.starts(with: prefix) else { return false }
                names.append(String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
                return true
            }
        }
        return try names.compactMap { try info($0) }
    }
}

extension WriteTransaction {
    /// Stores a collection's metadata (publishing its counters to readers).
    public func setInfo(_ info: CollectionInfo) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(info)
        try data.withUnsafeBytes {
            try put(index.meta, Schema.collectionKey(info.name), $0, "metadata of collection \(info.name)")
        }
    }
}
