/// A safetensors file, memory-mapped and validated at open. Tensors are
/// pointers into the map (aligned float32 ones are not copied); F16, BF16
/// and F64 tensors are converted to float32 the first time they are asked
/// for and kept. Every pointer handed out is valid for the lifetime of this
/// object.
public final class SafeTensors: TableBackedTensorSource, Sendable {
    /// The path (or name) used in error messages.
    public let source: String
    public let tensors: [String: SafeTensorInfo]
    public let metadata: [String: String]
    let table: TensorTable

    /// Maps and validates the file at `path`.
    public convenience init(contentsOf path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(bytes: file.bytes, owner: file, files: [file.status], source: path)
    }

    /// Validates an in-memory copy of a file (tests, fuzzing, generated files).
    public convenience init(bytes: [UInt8], source: String) throws {
        let box = AlignedBytes(bytes)
        try self.init(bytes: box.bytes, owner: box, files: [], source: source)
    }

    private init(bytes: UnsafeRawBufferPointer, owner: AnyObject, files: [FileStatus], source: String) throws {
        let header = try SafeTensorsHeader(file: bytes, source: source)
        self.source = source
        self.tensors = header.tensors
        self.metadata = header.metadata
        var layouts: [String: TensorLayout] = [:]
        for (name, info) in header.tensors {
            let start = header.dataStart + info.dataOffsets.lowerBound
            let data = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + info.dataOffsets.count)])
            layouts[name] = try TensorLayout(name: name, dtype: info.dtype, shape: info.shape, bytes: data, source: source)
        }
        table = TensorTable(source: source, layouts: layouts, files: files, owners: [owner])
    }

    /// Tensor names in sorted order.
    public var names: [String] { table.names }

    /// The header entry of `name`, or an error naming the missing tensor.
    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let info = tensors[name] else {
            throw ModelError(.notFound, "\(source): missing tensor '\(name)'")
        }
        return info
    }

    /// The raw bytes of a tensor inside the map.
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        try table.layout(name).contiguousBytes!
    }

    /// A copy of the tensor as float32 values.
    public func floatArray(_ name: String) throws -> [Float] {
        Array(try floats(name))
    }

    /// A copy of an integer tensor (I64, I32, U8 …) as Int values.
    public func integerArray(_ name: String) throws -> [Int] {
        try table.layout(name).integers(source: source)
    }
}

/// An owned, 64-byte-aligned copy of some bytes.
final class AlignedBytes: @unchecked Sendable {  // immutable after init
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer

    init(_ source: [UInt8]) {
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        source.withUnsafeBytes { if let p = $0.baseAddress { base.copyMemory(from: p, byteCount: $0.count) } }
        self.base = base
        bytes = UnsafeRawBufferPointer(start: base, count: source.count)
    }

    deinit { base.deallocate() }
}
