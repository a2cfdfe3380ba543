/// Where a model's float32 weights come from: a mapped safetensors file or
/// tensors built in memory (the benchmark's random weights). Pointers it
/// hands out stay valid while the source lives; models keep it alive.
public protocol TensorSource: AnyObject, Sendable {
    /// Names the source in error messages (a file path).
    var sourceName: String { get }
    /// The shape of `name`, or nil when there is no such tensor.
    func shape(of name: String) -> [Int]?
    /// The tensor's values as float32.
    func floats(_ name: String) throws -> UnsafeBufferPointer<Float>
}

extension SafeTensors: TensorSource {
    public var sourceName: String { source }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }
}

/// Looks weights up by name and checks each against the shape the config
/// implies, so a model never runs on a tensor of the wrong size.
struct WeightBinder {
    let source: TensorSource
    /// Names the config in messages ("config.json").
    let configName: String

    func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
        guard let actual = source.shape(of: name) else {
            throw ModelError(.shape, "\(source.sourceName): missing tensor '\(name)' (\(configName) implies shape \(shape))")
        }
        // A scalar stored as [] or [1] is the same thing.
        let same = actual == shape || (actual.reduce(1, *) == 1 && shape.reduce(1, *) == 1)
        guard same else {
            throw ModelError(.shape, "\(source.sourceName): tensor '\(name)' has shape \(actual), \(configName) implies \(shape)")
        }
        let values = try source.floats(name)
        guard let base = values.baseAddress else {
            throw ModelError(.shape, "\(source.sourceName): tensor '\(name)' is empty")
        }
        return base
    }
}
