import TihuaCompute

/// One chunk of an IVF list, read in place from the map (see `IVFLayout`);
/// valid only while the transaction that lent it is.
package struct IVFChunk {
    package let count: Int
    /// `count` vectors in the list's encoding (`IVFIndex.encoding`), row-major.
    package let vectors: UnsafeRawPointer
    /// `count` vector rows (u32, little-endian; read with `row(_:)`).
    let rows: UnsafeRawPointer

    @inline(__always)
    package func row(_ i: Int) -> Int {
        Int(UInt32(littleEndian: rows.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
    }

    init(value: UnsafeRawBufferPointer, rowBytes: Int) {
        count = IVFLayout.count(value)
        vectors = UnsafeRawPointer(value.baseAddress! + IVFLayout.headerSize)
        rows = UnsafeRawPointer(value.baseAddress! + IVFLayout.headerSize + count * rowBytes)
    }
}

extension CollectionSnapshot {
    /// The centroids of `ivf` (`lists × dimension`), in place.
    func ivfCentroids(_ ivf: IVFInfo, dimension: Int) throws -> UnsafePointer<Float> {
        guard let value = try txn.get(collection.centroids, UInt64(ivf.generation), "IVF centroids of \(name)"),
              value.count >= ivf.lists * dimension * 4 else {
            throw StoreError(.corrupt, "index \(path): IVF centroids of \(name) are missing or short")
        }
        return value.baseAddress!.assumingMemoryBound(to: Float.self)
    }

    /// How the vectors of the IVF lists are encoded (`IVFInfo.listDType`;
    /// int8 lists use the collection's ranges).
    func ivfListEncoding(_ ivf: IVFInfo) throws -> VectorEncoding {
        switch ivf.listDType {
        case .float32: return .float32
        case .float16: return .float16
        case .int8:
            guard info.dtype == .int8, let quantizer = info.quantizer else {
                throw StoreError(.corrupt, "index \(path): the IVF lists of \(name) hold int8 codes, but the collection has no int8 ranges")
            }
            return .sq8(quantizer)
        }
    }

    /// Visits the chunks of one list of one generation, in order; each
    /// vector takes `rowBytes`.
    func forEachChunk(generation: UInt32, list: UInt32, rowBytes: Int,
                      _ body: (_ chunkNumber: UInt32, IVFChunk) throws -> Void) throws {
        let start = IVFLayout.chunkKey(generation: generation, list: list, chunk: 0)
        try start.withUnsafeBytes { from in
            try txn.forEach(in: collection.lists, from: from) { key, value in
                guard let k = IVFLayout.decodeChunkKey(key), k.generation == generation, k.list == list else {
                    return false
                }
                guard IVFLayout.isWellFormed(value, rowBytes: rowBytes) else {
                    throw StoreError(.corrupt, "index \(path): IVF list \(list) chunk \(k.chunk) of \(name) is truncated")
                }
                try body(k.chunk, IVFChunk(value: value, rowBytes: rowBytes))
                return true
            }
        }
    }

    /// Number of entries in each IVF list (published rows only).
    public func ivfListSizes() throws -> [Int] {
        guard let ivf = try IVFIndex(self) else { return [] }
        var sizes = [Int](repeating: 0, count: ivf.info.lists)
        for list in 0..<ivf.info.lists {
            try ivf.forEachChunk(ofList: list) { chunk in
                for i in 0..<chunk.count where chunk.row(i) < info.vectorCount { sizes[list] += 1 }
            }
        }
        return sizes
    }
}
