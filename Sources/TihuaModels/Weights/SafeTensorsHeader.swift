/// One validated header entry. `dataOffsets` is relative to the data section.
public struct SafeTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    public let dataOffsets: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// The parsed and validated header of a safetensors file:
/// `u64 little-endian N | N bytes of JSON | data section`.
struct SafeTensorsHeader {
    /// A header larger than this is refused (the reference implementation's limit).
    static let maxHeaderBytes = 100_000_000

    let tensors: [String: SafeTensorInfo]
    let metadata: [String: String]
    /// Byte offset of the data section in the file (8 + N).
    let dataStart: Int

    /// Validates everything before anything is used: the length prefix, the
    /// JSON, every entry's dtype, shape and offsets, sizes and overlaps.
    init(file bytes: UnsafeRawBufferPointer, source: String) throws {
        guard bytes.count >= 8 else {
            throw ModelError(.format, "\(source): file is \(bytes.count) bytes, too short for a safetensors header (8-byte length, then JSON)")
        }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard length <= UInt64(bytes.count - 8) else {
            throw ModelError(.format, "\(source): header length \(length) (bytes 0-7) exceeds the file (\(bytes.count) bytes)")
        }
        guard length <= UInt64(Self.maxHeaderBytes) else {
            throw ModelError(.format, "\(source): header length \(length) (bytes 0-7) is over the \(Self.maxHeaderBytes)-byte limit")
        }
        let headerLength = Int(length)
        guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
            throw ModelError(.format, "\(source): header at byte 8 does not start with '{'")
        }
        let json = try JSONParser.parse(
            UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)]), source: source, baseOffset: 8)
        guard let entries = json.objectValue else {
            throw ModelError(.format, "\(source): header is not a JSON object")
        }
        dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart

        var tensors: [String: SafeTensorInfo] = [:]
        var metadata: [String: String] = [:]
        // Sorted so that the first error reported does not depend on hashing.
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            if name == "__metadata__" {
                guard let object = entry.objectValue else {
                    throw ModelError(.format, "\(source): '__metadata__' is not an object of strings")
                }
                for (key, value) in object {
                    guard let text = value.stringValue else {
                        throw ModelError(.format, "\(source): '__metadata__' key '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try Self.entry(name, entry, dataSize: dataSize, source: source)
        }
        try Self.checkNoOverlap(tensors.values, source: source)
        self.tensors = tensors
        self.metadata = metadata
    }

    private static func entry(_ name: String, _ entry: JSONValue, dataSize: Int, source: String) throws -> SafeTensorInfo {
        func bad(_ what: String) -> ModelError {
            ModelError(.format, "\(source): tensor '\(name)': \(what)")
        }
        guard let fields = entry.objectValue else { throw bad("entry is \(entry.brief), not an object") }
        guard let dtypeText = fields["dtype"]?.stringValue else { throw bad("missing string 'dtype'") }
        guard let dtype = TensorDType(rawValue: dtypeText) else { throw bad("unknown dtype '\(dtypeText)'") }
        guard let shapeValues = fields["shape"]?.arrayValue else { throw bad("missing array 'shape'") }
        var shape: [Int] = []
        for v in shapeValues {
            guard let d = v.intValue, d >= 0 else { throw bad("shape entry \(v.brief) is not a non-negative integer") }
            shape.append(d)
        }
        guard let offsets = fields["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= 0
        else { throw bad("'data_offsets' must be two non-negative integers") }
        guard begin <= end else { throw bad("data_offsets [\(begin), \(end)] are reversed") }
        guard end <= dataSize else {
            throw bad("data_offsets [\(begin), \(end)] exceed the data section (\(dataSize) bytes)")
        }
        var bytesNeeded = dtype.byteSize
        for d in shape {
            let (product, overflow) = bytesNeeded.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("shape \(shape) overflows the byte count") }
            bytesNeeded = product
        }
        guard bytesNeeded == end - begin else {
            throw bad("shape \(shape) of \(dtype.rawValue) needs \(bytesNeeded) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    private static func checkNoOverlap(_ infos: Dictionary<String, SafeTensorInfo>.Values, source: String) throws {
        // Empty tensors occupy no bytes and cannot overlap anything.
        let sorted = infos.filter { !$0.dataOffsets.isEmpty }.sorted {
            ($0.dataOffsets.lowerBound, $0.name) < ($1.dataOffsets.lowerBound, $1.name)
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.dataOffsets.lowerBound < a.dataOffsets.upperBound {
            throw ModelError(.format, "\(source): tensors '\(a.name)' [\(a.dataOffsets.lowerBound), \(a.dataOffsets.upperBound)] and '\(b.name)' [\(b.dataOffsets.lowerBound), \(b.dataOffsets.upperBound)] overlap")
        }
    }
}
