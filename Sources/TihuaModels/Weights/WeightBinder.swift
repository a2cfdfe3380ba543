/// Looks weights up by name and checks each against the shape the config
/// implies, so a model never runs on a tensor of the wrong size. It records
/// what it bound (the identity hashes exactly those tensors).
///
/// Strict binders throw at the first problem. A collecting binder (model
/// inspection) records every problem and hands out a placeholder instead, so
/// that one pass reports them all; a model built with it must not run.
final class WeightBinder {
    struct Bound {
        let name: String
        let shape: [Int]
        let values: UnsafeBufferPointer<Float>
    }

    let source: TensorSource
    /// Names the config in messages ("config.json").
    let configName: String
    let collecting: Bool
    private(set) var bound: [Bound] = []
    private(set) var problems: [ModelError] = []
    /// Stands in for tensors that could not be bound when collecting.
    // Written once here and never through: safe to share.
    nonisolated(unsafe) private static let placeholder: UnsafeMutablePointer<Float> = {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    init(source: TensorSource, configName: String, collecting: Bool = false) {
        self.source = source
        self.configName = configName
        self.collecting = collecting
    }

    /// Whether the source holds `name`.
    func has(_ name: String) -> Bool { source.describe(name) != nil }

    func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
        do {
            return try bind(name, shape)
        } catch let error as ModelError where collecting {
            problems.append(error)
            return UnsafePointer(Self.placeholder)
        }
    }

    private func bind(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
        guard let actual = source.describe(name) else {
            throw ModelError(.notFound, "\(source.sourceName): missing tensor '\(name)' (\(configName) implies shape \(shape))")
        }
        // A scalar stored as [] or [1] is the same thing.
        let same = actual.shape == shape || (actual.elementCount == 1 && shape.reduce(1, *) == 1)
        guard same else {
            throw ModelError(.shape, "\(source.sourceName): tensor '\(name)' has shape \(actual.shape), \(configName) implies \(shape)")
        }
        guard actual.dtype.isWeightType else {
            throw ModelError(.unsupported, "\(source.sourceName): tensor '\(name)' has dtype \(actual.dtype.rawValue); weights must be F32, F16, BF16 or F64")
        }
        let values = try source.floats(name)
        guard let base = values.baseAddress, !values.isEmpty else {
            throw ModelError(.shape, "\(source.sourceName): tensor '\(name)' is empty")
        }
        bound.append(Bound(name: name, shape: shape, values: values))
        return base
    }
}
