/// Float32 tensors owned in memory: the benchmark's random weights, and the
/// source a safetensors file is written from.
public final class InMemoryTensors: TensorSource, @unchecked Sendable {  // filled before it is shared, then read only
    public let sourceName: String
    private var storage: [String: (shape: [Int], values: UnsafeMutableBufferPointer<Float>)] = [:]
    /// Names in insertion order (the order a file is written in).
    public private(set) var names: [String] = []

    public init(name: String) { sourceName = name }

    deinit {
        for entry in storage.values { entry.values.deallocate() }
    }

    /// Adds a tensor of `shape` whose values `fill` writes (uninitialised memory
    /// is handed to `fill`, which must write every element). Not thread-safe:
    /// build the whole set before sharing it.
    public func add(_ name: String, shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(storage[name] == nil, "tensor \(name) added twice")
        let count = shape.reduce(1, *)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        let view = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
        fill(view)
        storage[name] = (shape, buffer)
        names.append(name)
    }

    public var tensorNames: [String] { names.sorted() }

    public func describe(_ name: String) -> TensorDescription? {
        storage[name].map { TensorDescription(dtype: .f32, shape: $0.shape) }
    }

    public var backingFiles: [FileStatus] { [] }

    public func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let entry = storage[name] else {
            throw ModelError(.notFound, "\(sourceName): missing tensor '\(name)'")
        }
        return UnsafeBufferPointer(start: entry.values.baseAddress, count: entry.shape.reduce(1, *))
    }
}
