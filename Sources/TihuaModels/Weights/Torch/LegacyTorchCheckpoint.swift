/// A PyTorch checkpoint in the format before 1.6 (or saved with
/// `_use_new_zipfile_serialization=False`): five pickles back to back — the
/// magic number, the protocol version (1001), the system info, the state
/// dict (whose persistent ids name storages by key), the list of storage
/// keys — then each storage in that list's order as an int64 element count
/// and its raw bytes.
///
/// Storages sit at whatever offset follows the pickles, so float32 data is
/// used in place only when it happens to be 4-byte aligned; otherwise it is
/// copied once on load.
public final class LegacyTorchCheckpoint: TableBackedTensorSource, Sendable {
    public let source: String
    let table: TensorTable

    /// 0x1950a86a20f9469cfc6c, little-endian, as LONG1 writes it.
    static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    /// The file's first bytes: PROTO 2, LONG1 of 10 bytes, then the magic number.
    static let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + magicNumber

    public convenience init(contentsOf path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(bytes: file.bytes, owner: file, files: [file.status], source: path)
    }

    public convenience init(bytes: [UInt8], source: String) throws {
        let box = AlignedBytes(bytes)
        try self.init(bytes: box.bytes, owner: box, files: [], source: source)
    }

    private init(bytes: UnsafeRawBufferPointer, owner: AnyObject, files: [FileStatus], source: String) throws {
        let objects = TorchObjects(legacy: true)
        var position = 0
        func next() throws -> PickleValue {
            let (value, end) = try PickleMachine.run(bytes, from: position, source: source, objects: objects)
            position = end
            return value
        }
        guard case .bigInt(let magic) = try next(), magic == Self.magicNumber else {
            throw ModelError(.format, "\(source): not a legacy PyTorch checkpoint (no magic number)")
        }
        guard case .int(let version) = try next(), version == 1001 else {
            throw ModelError(.unsupported, "\(source): legacy checkpoint protocol version is not 1001")
        }
        var bigEndian = false
        if case .dict(let info) = try next(), case .bool(let little)? = info["little_endian"] {
            bigEndian = !little
        } else {
            throw ModelError(.format, "\(source): legacy checkpoint system info has no 'little_endian'")
        }
        let state = try TorchStateDict(try next(), source: source)
        guard case .list(let keyList) = try next() else {
            throw ModelError(.format, "\(source): legacy checkpoint has no list of storage keys after the state dict")
        }
        // Each listed storage: int64 element count, then its bytes.
        var storageBytes: [String: UnsafeRawBufferPointer] = [:]
        let reader = ByteReader(bytes: bytes, source: source)
        for item in keyList.items {
            guard let key = item.stringValue else { throw ModelError(.format, "\(source): storage key is \(item.kindName)") }
            guard let storage = objects.storages[key] else {
                throw ModelError(.format, "\(source): storage '\(key)' is listed but the pickle never declares it")
            }
            guard storageBytes[key] == nil else { throw ModelError(.format, "\(source): storage '\(key)' is listed twice") }
            let count = try reader.u64(position)
            guard count == UInt64(storage.elementCount) else {
                throw ModelError(.format, "\(source): storage '\(key)' at byte \(position) holds \(count) elements, its tensors say \(storage.elementCount)")
            }
            let (size, overflow) = storage.elementCount.multipliedReportingOverflow(by: storage.dtype.byteSize)
            let start = position + 8
            guard !overflow, start <= bytes.count, size <= bytes.count - start else {
                throw ModelError(.format, "\(source): storage '\(key)' (\(size) bytes at byte \(start)) runs past the end of the file (truncated?)")
            }
            storageBytes[key] = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)])
            position = start + size
        }
        let layouts = try state.layouts(source: source, bigEndian: bigEndian) { storage in
            guard let data = storageBytes[storage.key] else {
                throw ModelError(.format, "\(source): storage '\(storage.key)' is not in the list of stored storages")
            }
            return data
        }
        self.source = source
        table = TensorTable(source: source, layouts: layouts, files: files, owners: [owner])
    }
}
