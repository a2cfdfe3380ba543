/// Byte layouts of the small values stored per record and per vector row.

/// `NAME.records` value: [sequence u64 LE][vector row u64 LE, or `noRow`][document bytes].
enum RecordLayout {
    static let headerSize = 16

    static func sequence(_ value: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    }

    static func vectorRow(_ value: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    static func document(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: value[headerSize...])
    }

    static func encode(sequence: UInt64, vectorRow: UInt64, document: UnsafeRawBufferPointer?) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerSize + (document?.count ?? 0))
        bytes.withUnsafeMutableBytes { out in
            out.storeBytes(of: sequence.littleEndian, toByteOffset: 0, as: UInt64.self)
            out.storeBytes(of: vectorRow.littleEndian, toByteOffset: 8, as: UInt64.self)
            if let document, document.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: out[headerSize...]).copyMemory(from: document)
            }
        }
        return bytes
    }

    static func isWellFormed(_ value: UnsafeRawBufferPointer) -> Bool { value.count >= headerSize }
}

/// `NAME.rowids` value: [IVF list u32 LE, or `noList`][id bytes].
enum RowLayout {
    static let headerSize = 4

    static func list(_ value: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
    }

    static func id(_ value: UnsafeRawBufferPointer) -> String {
        String(decoding: value[headerSize...], as: UTF8.self)
    }

    static func encode(list: UInt32, id: String) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerSize)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: list.littleEndian, as: UInt32.self) }
        bytes.append(contentsOf: id.utf8)
        return bytes
    }
}

/// External ids: non-empty UTF-8 of at most 480 bytes (LMDB keys stop at
/// 511), no control characters (so one id a line stays one id).
public enum RecordID {
    public static let maxBytes = 480

    /// Nil when `id` is acceptable, else the reason.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "empty id" }
        if id.utf8.count > maxBytes { return "id longer than \(maxBytes) bytes" }
        // The control characters (category Cc) are exactly U+0000–001F and U+007F–009F.
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "id contains a control character"
        }
        return nil
    }
}
