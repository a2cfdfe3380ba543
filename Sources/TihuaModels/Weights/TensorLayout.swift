import TihuaCompute

/// Where one stored tensor's elements are: a storage (bytes inside a mapped
/// file), an element offset into it, a shape and strides in elements (torch's
/// view of a storage; a safetensors tensor is the contiguous case), and
/// whether the bytes are big-endian. Built only through `init(…)`, which
/// checks that every element lies inside the storage.
struct TensorLayout: @unchecked Sendable {  // immutable; `storage` is read-only bytes kept alive by its table
    let name: String
    let dtype: TensorDType
    let shape: [Int]
    let strides: [Int]
    let offset: Int
    let storage: UnsafeRawBufferPointer
    let bigEndian: Bool
    let elementCount: Int

    /// At most this many dimensions (the models use 1–4).
    static let maxRank = 16

    /// A contiguous tensor filling `bytes` (safetensors).
    init(name: String, dtype: TensorDType, shape: [Int], bytes: UnsafeRawBufferPointer, source: String) throws {
        try self.init(name: name, dtype: dtype, shape: shape, strides: Self.contiguousStrides(shape), offset: 0,
                      storage: bytes, bigEndian: false, source: source)
    }

    /// Validates the view: sizes, strides and offset non-negative, products
    /// without overflow, and the last element inside the storage.
    init(name: String, dtype: TensorDType, shape: [Int], strides: [Int], offset: Int,
         storage: UnsafeRawBufferPointer, bigEndian: Bool, source: String) throws {
        func bad(_ what: String) -> ModelError { ModelError(.format, "\(source): tensor '\(name)': \(what)") }
        guard shape.count <= Self.maxRank else { throw bad("\(shape.count) dimensions (at most \(Self.maxRank))") }
        guard strides.count == shape.count else { throw bad("\(shape.count) sizes but \(strides.count) strides") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("negative size in \(shape)") }
        guard strides.allSatisfy({ $0 >= 0 }) else { throw bad("negative stride in \(strides)") }
        guard offset >= 0 else { throw bad("negative storage offset \(offset)") }
        var count = 1
        for d in shape {
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw bad("shape \(shape) overflows") }
            count = p
        }
        let storageElements = storage.count / dtype.byteSize
        if count > 0 {
            // The farthest element: offset + Σ (size − 1) · stride.
            var last = offset
            for (d, s) in zip(shape, strides) {
                let (step, o1) = (d - 1).multipliedReportingOverflow(by: s)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw bad("shape \(shape) with strides \(strides) overflows") }
                last = sum
            }
            guard last < storageElements else {
                throw bad("view (offset \(offset), shape \(shape), strides \(strides)) reaches element \(last) of a storage of \(storageElements) \(dtype.rawValue) elements")
            }
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        // A dimension of size 0 or 1 is never stepped along: its stride, which
        // the check above could not bound, is set to 0 so no sum can overflow.
        self.strides = zip(shape, strides).map { $0 > 1 ? $1 : 0 }
        self.offset = offset
        self.storage = storage
        self.bigEndian = bigEndian
        self.elementCount = count
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in shape.indices.reversed() {
            strides[i] = step
            step = step &* max(shape[i], 1)
        }
        return strides
    }

    /// Row-major with no gaps (strides of size-1 dimensions do not matter).
    var isContiguous: Bool {
        if elementCount == 0 { return true }
        var expected = 1
        for i in shape.indices.reversed() where shape[i] > 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// The bytes of the elements when the tensor is contiguous.
    var contiguousBytes: UnsafeRawBufferPointer? {
        guard isContiguous else { return nil }
        // An empty view's offset was never checked against the storage.
        if elementCount == 0 { return UnsafeRawBufferPointer(start: storage.baseAddress, count: 0) }
        let start = offset * dtype.byteSize
        return UnsafeRawBufferPointer(rebasing: storage[start..<(start + elementCount * dtype.byteSize)])
    }

    /// The float32 values in place, when no conversion is needed: float32,
    /// little-endian, contiguous and 4-byte aligned.
    var floatsInPlace: UnsafeBufferPointer<Float>? {
        guard dtype == .f32, !bigEndian, let bytes = contiguousBytes else { return nil }
        guard elementCount > 0, let base = bytes.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        guard Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: elementCount)
    }

    /// Storage element indices in row-major order of the view.
    func forEachElementIndex(_ body: (Int, Int) -> Void) {
        if isContiguous {
            for i in 0..<elementCount { body(i, offset + i) }
            return
        }
        guard elementCount > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        var position = offset
        for i in 0..<elementCount {
            body(i, position)
            // Odometer over the dimensions, last fastest.
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                position += strides[d]
                if index[d] < shape[d] { break }
                position -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Writes the view's values as float32 to `out` (elementCount floats):
    /// F32, F16, BF16 and F64, either byte order, any strides.
    func convertToFloat(into out: UnsafeMutablePointer<Float>, source: String) throws {
        guard dtype.isWeightType else {
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(dtype.rawValue); weights must be F32, F16, BF16 or F64")
        }
        if let bytes = contiguousBytes, let base = bytes.baseAddress {
            // Contiguous: a flat loop per dtype, on all cores for large tensors.
            let dtype = self.dtype, swap = bigEndian, count = elementCount
            nonisolated(unsafe) let out = out  // chunks write disjoint ranges
            Parallel.forEachChunk(count: count, minChunk: 1 << 16) { _, range in
                Self.convert(base, dtype: dtype, swap: swap, range: range, into: out)
            }
            return
        }
        let raw = storage, swap = bigEndian
        switch dtype {
        case .f32:
            forEachElementIndex { i, e in
                let bits = raw.loadUnaligned(fromByteOffset: 4 * e, as: UInt32.self)
                out[i] = Float(bitPattern: swap ? bits.byteSwapped : bits)
            }
        case .f16:
            forEachElementIndex { i, e in
                let bits = raw.loadUnaligned(fromByteOffset: 2 * e, as: UInt16.self)
                out[i] = Half.toFloat(swap ? bits.byteSwapped : bits)
            }
        case .bf16:
            forEachElementIndex { i, e in
                let bits = raw.loadUnaligned(fromByteOffset: 2 * e, as: UInt16.self)
                out[i] = Float(bitPattern: UInt32(swap ? bits.byteSwapped : bits) << 16)
            }
        case .f64:
            forEachElementIndex { i, e in
                let bits = raw.loadUnaligned(fromByteOffset: 8 * e, as: UInt64.self)
                out[i] = Float(Double(bitPattern: swap ? bits.byteSwapped : bits))
            }
        default:
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(dtype.rawValue); weights must be F32, F16, BF16 or F64")
        }
    }

    /// Elements `range` of contiguous `dtype` data at `base`, as float32.
    @_optimize(speed)
    private static func convert(_ base: UnsafeRawPointer, dtype: TensorDType, swap: Bool, range: Range<Int>,
                                into out: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            for i in range {
                let bits = base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                out[i] = Float(bitPattern: swap ? bits.byteSwapped : bits)
            }
        case .f16:
            for i in range {
                let bits = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                out[i] = Half.toFloat(swap ? bits.byteSwapped : bits)
            }
        case .bf16:
            for i in range {
                let bits = base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                out[i] = Float(bitPattern: UInt32(swap ? bits.byteSwapped : bits) << 16)
            }
        case .f64:
            for i in range {
                let bits = base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                out[i] = Float(Double(bitPattern: swap ? bits.byteSwapped : bits))
            }
        default:
            break
        }
    }

    /// The view's values as integers (I64 … BOOL), for buffers and references.
    func integers(source: String) throws -> [Int] {
        let raw = storage, swap = bigEndian
        var out = [Int](repeating: 0, count: elementCount)
        func load<T: FixedWidthInteger>(_ type: T.Type) {
            forEachElementIndex { i, e in
                let v = raw.loadUnaligned(fromByteOffset: MemoryLayout<T>.size * e, as: T.self)
                out[i] = Int(truncatingIfNeeded: swap ? v.byteSwapped : v)
            }
        }
        switch dtype {
        case .i64: load(Int64.self)
        case .u64: load(UInt64.self)
        case .i32: load(Int32.self)
        case .u32: load(UInt32.self)
        case .i16: load(Int16.self)
        case .u16: load(UInt16.self)
        case .i8: load(Int8.self)
        case .u8, .bool: load(UInt8.self)
        default:
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(dtype.rawValue), not an integer type")
        }
        return out
    }
}
