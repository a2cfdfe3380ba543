/// Byte layout of IVF data.
///
/// Centroids: `NAME.centroids`, key = generation (u64 BE), value =
/// `lists × dimension` float32.
///
/// Lists: `NAME.lists`, key = [generation u32 BE][list u32 BE][chunk u32 BE],
/// value = one chunk of a list:
///   [count u32 LE][12 bytes zero][count × rowBytes][count × row u32 LE]
/// where a vector takes `rowBytes` = dimension × the bytes of the index's
/// `IVFInfo.listDType` (float32, float16, or int8 SQ8 codes with the
/// collection's ranges). Vectors come first so that they start 16 bytes into
/// the value. A list is its chunks in key order; appends fill the last
/// chunk, then open a new one. A rebuilt index is written under a new
/// generation and published at once.
enum IVFLayout {
    static let headerSize = 16

    static func chunkKey(generation: UInt32, list: UInt32, chunk: UInt32) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 12)
        key.withUnsafeMutableBytes { k in
            k.storeBytes(of: generation.bigEndian, toByteOffset: 0, as: UInt32.self)
            k.storeBytes(of: list.bigEndian, toByteOffset: 4, as: UInt32.self)
            k.storeBytes(of: chunk.bigEndian, toByteOffset: 8, as: UInt32.self)
        }
        return key
    }

    static func decodeChunkKey(_ key: UnsafeRawBufferPointer) -> (generation: UInt32, list: UInt32, chunk: UInt32)? {
        guard key.count == 12 else { return nil }
        return (UInt32(bigEndian: key.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt32(bigEndian: key.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                UInt32(bigEndian: key.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
    }

    static func count(_ value: UnsafeRawBufferPointer) -> Int {
        Int(UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
    }

    static func valueSize(count: Int, rowBytes: Int) -> Int {
        max(minimumFloatValueBytes, headerSize + count * rowBytes + count * 4)
    }

    static func isWellFormed(_ value: UnsafeRawBufferPointer, rowBytes: Int) -> Bool {
        value.count >= headerSize && value.count >= headerSize + count(value) * (rowBytes + 4)
    }
}

/// Values holding float arrays are padded to at least this size so that
/// LMDB stores them in overflow pages, whose data starts 16 bytes into a
/// page: the floats are then 16-byte aligned and contiguous in the map.
let minimumFloatValueBytes = 4096
