import Foundation
import TihuaCompute

/// A safetensors file, memory-mapped and validated at open. Tensors are
/// pointers into the map (float32 ones are not copied); F16 and BF16 tensors
/// are converted to float32 the first time they are asked for and kept.
/// Every pointer handed out is valid for the lifetime of this object.
public final class SafeTensors: @unchecked Sendable {
    /// The path (or name) used in error messages.
    public let source: String
    public let tensors: [String: SafeTensorInfo]
    public let metadata: [String: String]
    /// The whole file: length prefix, JSON header and data section.
    let fileBytes: UnsafeRawBufferPointer
    /// Offset of the data section in `fileBytes`.
    let dataStart: Int

    private let storage: AnyObject
    private let lock = NSLock()
    private var converted: [String: UnsafeMutableBufferPointer<Float>] = [:]

    /// Maps and validates the file at `path`.
    public convenience init(contentsOf path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(bytes: file.bytes, storage: file, source: path)
    }

    /// Validates an in-memory copy of a file (tests, fuzzing, generated files).
    public convenience init(bytes: [UInt8], source: String) throws {
        let box = AlignedBytes(bytes)
        try self.init(bytes: box.bytes, storage: box, source: source)
    }

    private init(bytes: UnsafeRawBufferPointer, storage: AnyObject, source: String) throws {
        let header = try SafeTensorsHeader(file: bytes, source: source)
        self.source = source
        self.tensors = header.tensors
        self.metadata = header.metadata
        self.fileBytes = bytes
        self.dataStart = header.dataStart
        self.storage = storage
    }

    deinit {
        for buffer in converted.values { buffer.deallocate() }
    }

    /// Tensor names in sorted order.
    public var names: [String] { tensors.keys.sorted() }

    /// The header entry of `name`, or an error naming the missing tensor.
    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let info = tensors[name] else {
            throw ModelError(.shape, "\(source): missing tensor '\(name)'")
        }
        return info
    }

    /// The raw bytes of a tensor inside the map.
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let info = try info(name)
        let start = dataStart + info.dataOffsets.lowerBound
        return UnsafeRawBufferPointer(rebasing: fileBytes[start..<(start + info.dataOffsets.count)])
    }

    /// The tensor as float32 values. Aligned F32 data is returned in place;
    /// F16, BF16 and unaligned F32 are converted once and cached.
    public func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        let info = try info(name)
        let raw = try rawBytes(name)
        let count = info.elementCount
        if info.dtype == .f32, count == 0 || Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 {
            guard count > 0, let base = raw.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count)
        }
        lock.lock()
        defer { lock.unlock() }
        if let done = converted[name] { return UnsafeBufferPointer(done) }
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        switch info.dtype {
        case .f32:
            for i in 0..<count { out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        case .f16:
            for i in 0..<count { out[i] = Half.toFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .bf16:
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
        default:
            out.deallocate()
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(info.dtype.rawValue); weights must be F32, F16 or BF16")
        }
        converted[name] = out
        return UnsafeBufferPointer(start: out.baseAddress, count: count)
    }

    /// A copy of the tensor as float32 values.
    public func floatArray(_ name: String) throws -> [Float] {
        Array(try floats(name))
    }

    /// A copy of an integer tensor (I64, I32, U8 …) as Int values.
    public func integerArray(_ name: String) throws -> [Int] {
        let info = try info(name)
        let raw = try rawBytes(name)
        let n = info.elementCount
        switch info.dtype {
        case .i64: return (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        case .i32: return (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        case .i16: return (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        case .i8: return (0..<n).map { Int(raw.loadUnaligned(fromByteOffset: $0, as: Int8.self)) }
        case .u8, .bool: return (0..<n).map { Int(raw[$0]) }
        default:
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(info.dtype.rawValue), not an integer type")
        }
    }
}

/// An owned, 16-byte-aligned copy of some bytes.
private final class AlignedBytes {
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer

    init(_ source: [UInt8]) {
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        source.withUnsafeBytes { if let p = $0.baseAddress { base.copyMemory(from: p, byteCount: $0.count) } }
        self.base = base
        bytes = UnsafeRawBufferPointer(start: base, count: source.count)
    }

    deinit { base.deallocate() }
}
