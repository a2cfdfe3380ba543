/// The members of a zip archive read from its central directory (ZIP64
/// included), over bytes that are already in memory or mapped. Sizes and
/// offsets come from the central directory, never from local headers (torch
/// writes data descriptors, so local sizes are zero); each entry's data
/// start is checked against its local header, and every range is bounded by
/// the file before it is used.
///
/// Written here rather than taken from a zip library because a checkpoint
/// needs the offset of each member inside the mapped file — the library
/// available here only extracts members by copying them.
struct ZipArchive {
    let source: String
    let bytes: UnsafeRawBufferPointer
    /// In central directory order.
    let entries: [ZipEntry]
    private let byName: [String: Int]

    /// The most members an archive may declare (a checkpoint has one per storage).
    static let maxEntries = 1 << 20

    init(bytes: UnsafeRawBufferPointer, source: String) throws {
        self.source = source
        self.bytes = bytes
        let reader = ByteReader(bytes: bytes, source: source)
        let (directoryOffset, directorySize, count) = try Self.findDirectory(reader)
        guard count <= Self.maxEntries else {
            throw ModelError(.format, "\(source): zip directory declares \(count) entries (at most \(Self.maxEntries))")
        }
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var byName: [String: Int] = [:]
        var position = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for i in 0..<count {
            let entry = try Self.readEntry(reader, at: &position, directoryEnd: directoryEnd, dataLimit: directoryOffset, index: i)
            guard byName[entry.name] == nil else {
                throw ModelError(.format, "\(source): zip entry '\(entry.name)' appears twice")
            }
            byName[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.byName = byName
    }

    func entry(_ name: String) -> ZipEntry? { byName[name].map { entries[$0] } }

    /// The stored bytes of `entry`; a compressed or encrypted entry is refused.
    func data(_ entry: ZipEntry) throws -> UnsafeRawBufferPointer {
        guard entry.flags & 1 == 0 else {
            throw ModelError(.unsupported, "\(source): zip entry '\(entry.name)' is encrypted")
        }
        guard entry.method == 0 else {
            throw ModelError(.unsupported, "\(source): zip entry '\(entry.name)' is compressed (method \(entry.method)); PyTorch checkpoints store their entries uncompressed — re-save it with torch.save")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.uncompressedSize)])
    }

    // MARK: - Records

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    /// Finds the end-of-central-directory record in the last 64 KiB + 22
    /// bytes, then the ZIP64 record when the classic fields are saturated.
    private static func findDirectory(_ r: ByteReader) throws -> (offset: Int, size: Int, count: Int) {
        let n = r.bytes.count
        guard n >= 22 else { throw ModelError(.format, "\(r.source): \(n) bytes, too short for a zip archive") }
        var eocd = -1
        var p = n - 22
        let lowest = max(0, n - 22 - 0xFFFF)
        while p >= lowest {
            if try r.u32(p) == endSignature, p + 22 + Int(try r.u16(p + 20)) == n { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else {
            throw ModelError(.format, "\(r.source): no zip end-of-central-directory record (truncated, or not a zip archive)")
        }
        var count = Int(try r.u16(eocd + 10))
        var size = Int(try r.u32(eocd + 12))
        var offset = Int(try r.u32(eocd + 16))
        var directoryEnd = eocd
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, try r.u32(locator) == zip64LocatorSignature else {
                throw ModelError(.format, "\(r.source): zip needs a ZIP64 directory locator before byte \(eocd) but has none")
            }
            let record = try r.offset(try r.u64(locator + 8), "ZIP64 end record offset")
            guard try r.u32(record) == zip64EndSignature else {
                throw ModelError(.format, "\(r.source): no ZIP64 end-of-central-directory record at byte \(record)")
            }
            count = try r.offset(try r.u64(record + 32), "ZIP64 entry count")
            size = try r.offset(try r.u64(record + 40), "ZIP64 directory size")
            offset = try r.offset(try r.u64(record + 48), "ZIP64 directory offset")
            directoryEnd = record
        }
        guard offset <= directoryEnd, size <= directoryEnd - offset else {
            throw ModelError(.format, "\(r.source): zip central directory [\(offset), +\(size)) lies outside the file (\(n) bytes; truncated?)")
        }
        return (offset, size, count)
    }

    /// One central directory header at `position` (advanced past it).
    private static func readEntry(_ r: ByteReader, at position: inout Int, directoryEnd: Int, dataLimit: Int, index: Int) throws -> ZipEntry {
        let p = position
        guard p + 46 <= directoryEnd, try r.u32(p) == centralSignature else {
            throw ModelError(.format, "\(r.source): zip central directory entry \(index) at byte \(p) is damaged")
        }
        let flags = try r.u16(p + 8)
        let method = try r.u16(p + 10)
        var compressed = UInt64(try r.u32(p + 20))
        var uncompressed = UInt64(try r.u32(p + 24))
        let nameLength = Int(try r.u16(p + 28))
        let extraLength = Int(try r.u16(p + 30))
        let commentLength = Int(try r.u16(p + 32))
        var localOffset = UInt64(try r.u32(p + 42))
        let nameStart = p + 46
        let end = nameStart + nameLength + extraLength + commentLength
        guard end <= directoryEnd else {
            throw ModelError(.format, "\(r.source): zip central directory entry \(index) runs past the directory")
        }
        let nameBytes = UnsafeRawBufferPointer(rebasing: r.bytes[nameStart..<(nameStart + nameLength)])
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            throw ModelError(.format, "\(r.source): zip entry \(index) has a name that is not UTF-8")
        }
        // ZIP64 extended information: the saturated fields, in order.
        var e = nameStart + nameLength
        let extraEnd = e + extraLength
        while e + 4 <= extraEnd {
            let id = try r.u16(e), length = Int(try r.u16(e + 2))
            guard e + 4 + length <= extraEnd else { break }
            if id == 1 {
                var f = e + 4
                func next() throws -> UInt64 {
                    guard f + 8 <= e + 4 + length else {
                        throw ModelError(.format, "\(r.source): zip entry '\(name)': ZIP64 extra field too short")
                    }
                    defer { f += 8 }
                    return try r.u64(f)
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                if compressed == 0xFFFF_FFFF { compressed = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
            }
            e += 4 + length
        }
        position = end
        let header = try r.offset(localOffset, "local header offset of '\(name)'")
        let compressedSize = try r.offset(compressed, "size of '\(name)'")
        let uncompressedSize = try r.offset(uncompressed, "size of '\(name)'")
        guard header <= dataLimit - 30, try r.u32(header) == localSignature else {
            throw ModelError(.format, "\(r.source): zip entry '\(name)': no local header at byte \(header)")
        }
        let localName = Int(try r.u16(header + 26)), localExtra = Int(try r.u16(header + 28))
        let dataOffset = header + 30 + localName + localExtra
        guard dataOffset <= dataLimit, compressedSize <= dataLimit - dataOffset else {
            throw ModelError(.format, "\(r.source): zip entry '\(name)' (\(compressedSize) bytes at byte \(dataOffset)) runs past the end of the data (truncated file?)")
        }
        guard localName == nameLength,
              r.bytes[(header + 30)..<(header + 30 + localName)].elementsEqual(nameBytes) else {
            throw ModelError(.format, "\(r.source): zip entry '\(name)': local header at byte \(header) names another entry")
        }
        if method == 0, compressedSize != uncompressedSize {
            throw ModelError(.format, "\(r.source): zip entry '\(name)' is stored but its sizes differ (\(compressedSize) vs \(uncompressedSize))")
        }
        return ZipEntry(name: name, method: method, flags: flags, compressedSize: compressedSize,
                        uncompressedSize: uncompressedSize, headerOffset: header, dataOffset: dataOffset)
    }
}

/// Bounds-checked little-endian reads; every failure names the file and offset.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let source: String

    private func check(_ offset: Int, _ size: Int) throws {
        guard offset >= 0, offset <= bytes.count - size else {
            throw ModelError(.format, "\(source): \(size)-byte field at byte \(offset) lies past the end of the file (\(bytes.count) bytes; truncated?)")
        }
    }

    func u16(_ offset: Int) throws -> UInt16 {
        try check(offset, 2)
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(_ offset: Int) throws -> UInt32 {
        try check(offset, 4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(_ offset: Int) throws -> UInt64 {
        try check(offset, 8)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A 64-bit size or offset from the file, as an Int no larger than the file.
    func offset(_ value: UInt64, _ what: String) throws -> Int {
        guard value <= UInt64(bytes.count) else {
            throw ModelError(.format, "\(source): \(what) \(value) exceeds the file (\(bytes.count) bytes; truncated?)")
        }
        return Int(value)
    }
}
