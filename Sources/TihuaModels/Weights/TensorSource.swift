/// What a stored tensor is, without its values.
public struct TensorDescription: Sendable, Equatable {
    public let dtype: TensorDType
    public let shape: [Int]
    public var elementCount: Int { shape.reduce(1, *) }
}

/// Where a model's weights come from: a weight file in one of the formats a
/// model folder may hold (safetensors, torch zip, legacy torch, a sharded
/// set) or tensors built in memory (the benchmark's random weights).
/// Pointers it hands out stay valid while the source lives; models keep it
/// alive.
public protocol TensorSource: AnyObject, Sendable {
    /// Names the source in error messages (a file path).
    var sourceName: String { get }
    /// Every tensor's name, sorted.
    var tensorNames: [String] { get }
    /// The dtype and shape of `name`, or nil when there is no such tensor.
    func describe(_ name: String) -> TensorDescription?
    /// The tensor's values as float32 (converted once when stored otherwise).
    func floats(_ name: String) throws -> UnsafeBufferPointer<Float>
    /// The status of the files the tensors are read from (empty in memory):
    /// what the identity cache keys on.
    var backingFiles: [FileStatus] { get }
}

extension TensorSource {
    /// The shape of `name`, or nil when there is no such tensor.
    public func shape(of name: String) -> [Int]? { describe(name)?.shape }
}

