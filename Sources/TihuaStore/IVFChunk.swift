/// One chunk of an IVF list, read in place from the map.
public struct IVFChunk {
    public let count: Int
    /// `count × dimension` float32, row-major.
    public let vectors: UnsafePointer<Float>
    /// `count` vector rows (u32, little-endian; read with `row(_:)`).
    public let rows: UnsafeRawPointer

    @inline(__always)
    public func row(_ i: Int) -> Int {
        Int(UInt32(littleEndian: rows.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
    }

    init(value: UnsafeRawBufferPointer, dimension: Int) {
        count = IVFLayout.count(value)
        vectors = (value.baseAddress! + IVFLayout.headerSize).assumingMemoryBound(to: Float.self)
        rows = value.baseAddress! + IVFLayout.headerSize + count * dimension * 4
    }
}

extension CollectionSnapshot {
    /// The IVF centroids (`lists × dimension`), or nil without an IVF index.
    public func ivfCentroids() throws -> UnsafePointer<Float>? {
        guard let ivf = info.ivf, let dimension = info.dimension else { return nil }
        guard let value = try txn.get(collection.centroids, UInt64(ivf.generation), "IVF centroids of \(name)"),
              value.count >= ivf.lists * dimension * 4 else {
            throw StoreError(.corrupt, "index \(txn.index.path): IVF centroids of \(name) are missing or short")
        }
        return value.baseAddress!.assumingMemoryBound(to: Float.self)
    }

    /// Visits the chunks of IVF list `list`. Entries whose row is
    /// `≥ vectorCount` belong to an unpublished import: callers skip them.
    public func forEachChunk(ofList list: Int, _ body: (IVFChunk) throws -> Void) throws {
        guard let ivf = info.ivf, let dimension = info.dimension else { return }
        try forEachChunk(generation: ivf.generation, list: UInt32(list), dimension: dimension) { _, chunk in
            try body(chunk)
        }
    }

    func forEachChunk(generation: UInt32, list: UInt32, dimension: Int,
                      _ body: (_ chunkNumber: UInt32, IVFChunk) throws -> Void) throws {
        let start = IVFLayout.chunkKey(generation: generation, list: list, chunk: 0)
        try start.withUnsafeBytes { from in
            try txn.forEach(in: collection.lists, from: from) { key, value in
                guard let k = IVFLayout.decodeChunkKey(key), k.generation == generation, k.list == list else {
                    return false
                }
                guard IVFLayout.isWellFormed(value, dimension: dimension) else {
                    throw StoreError(.corrupt, "index \(txn.index.path): IVF list \(list) chunk \(k.chunk) of \(name) is truncated")
                }
                try body(k.chunk, IVFChunk(value: value, dimension: dimension))
                return true
            }
        }
    }

    /// Number of entries in each IVF list (published rows only).
    public func ivfListSizes() throws -> [Int] {
        guard let ivf = info.ivf else { return [] }
        var sizes = [Int](repeating: 0, count: ivf.lists)
        for list in 0..<ivf.lists {
            try forEachChunk(ofList: list) { chunk in
                for i in 0..<chunk.count where chunk.row(i) < info.vectorCount { sizes[list] += 1 }
            }
        }
        return sizes
    }
}
