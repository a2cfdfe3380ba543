import Foundation

/// The validated tensors of one weight file (or set of files) and the
/// float32 copies made of those that cannot be used in place. Every format
/// reader builds one; the `TensorSource` conformances forward to it.
///
/// float32 tensors that are contiguous, little-endian and aligned are
/// pointers into the map. F16, BF16, F64, big-endian, unaligned and strided
/// ones are converted once, on first request, and kept for the table's life.
final class TensorTable: @unchecked Sendable {  // `converted` is only touched under `lock`
    let source: String
    let layouts: [String: TensorLayout]
    /// Sorted tensor names.
    let names: [String]
    /// The backing files' status (empty for bytes held in memory).
    let files: [FileStatus]
    private let owners: [AnyObject]
    private let lock = NSLock()
    private var converted: [String: UnsafeMutableBufferPointer<Float>] = [:]

    init(source: String, layouts: [String: TensorLayout], files: [FileStatus], owners: [AnyObject]) {
        self.source = source
        self.layouts = layouts
        self.names = layouts.keys.sorted()
        self.files = files
        self.owners = owners
    }

    deinit {
        for buffer in converted.values { free(buffer.baseAddress) }
    }

    func layout(_ name: String) throws -> TensorLayout {
        guard let layout = layouts[name] else {
            throw ModelError(.notFound, "\(source): missing tensor '\(name)'")
        }
        return layout
    }

    func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        let layout = try layout(name)
        if let inPlace = layout.floatsInPlace { return inPlace }
        guard layout.dtype.isWeightType else {
            throw ModelError(.unsupported, "\(source): tensor '\(name)' has dtype \(layout.dtype.rawValue); weights must be F32, F16, BF16 or F64")
        }
        lock.lock()
        defer { lock.unlock() }
        if let done = converted[name] { return UnsafeBufferPointer(done) }
        let count = layout.elementCount
        guard let memory = malloc(max(count, 1) * MemoryLayout<Float>.stride) else {
            throw ModelError(.outOfMemory, "\(source): out of memory converting tensor '\(name)' (\(count) values) to float32")
        }
        let out = memory.bindMemory(to: Float.self, capacity: max(count, 1))
        do {
            try layout.convertToFloat(into: out, source: source)
        } catch {
            free(memory)
            throw error
        }
        let buffer = UnsafeMutableBufferPointer(start: out, count: count)
        converted[name] = buffer
        return UnsafeBufferPointer(buffer)
    }
}


/// A weight file whose tensors are a `TensorTable`: its `TensorSource`
/// conformance forwards to the table.
protocol TableBackedTensorSource: TensorSource {
    var table: TensorTable { get }
}

extension TableBackedTensorSource {
    public var sourceName: String { table.source }
    public var tensorNames: [String] { table.names }
    public func describe(_ name: String) -> TensorDescription? {
        table.layouts[name].map { TensorDescription(dtype: $0.dtype, shape: $0.shape) }
    }
    /// The tensor as float32 values: aligned little-endian F32 data in place;
    /// other dtypes, byte orders and strides converted once and cached.
    public func floats(_ name: String) throws -> UnsafeBufferPointer<Float> { try table.floats(name) }
    public var backingFiles: [FileStatus] { table.files }
}
