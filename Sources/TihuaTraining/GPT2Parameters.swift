import TihuaCompute
import TihuaModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GPT-2's parameters in one flat float buffer laid out by
/// `ParameterLayout` (also its gradients and AdamW's moments).
public final class GPT2Parameters: @unchecked Sendable {
    // @unchecked: the buffer is written only by the thread that runs the
    // training steps; nothing reads it concurrently.
    public let layout: ParameterLayout
    let buffer: FloatBuffer
    public var sourceName: String

    public var config: GPT2Config { layout.config }
    public var pointer: UnsafeMutablePointer<Float> { buffer.pointer }
    public var count: Int { layout.count }

    /// GPT-2's initialisation: weights and embeddings N(0, 0.02), the two
    /// projections into the residual stream N(0, 0.02/√(2·layers)), biases 0,
    /// LayerNorm scales 1. Seeded: the same seed, the same weights.
    public init(config: GPT2Config, seed: UInt64) {
        layout = ParameterLayout(config)
        buffer = FloatBuffer(layout.count)
        sourceName = "GPT-2 parameters (seed \(seed))"
        let residualScale = 0.02 / Float(2 * config.layers).squareRoot()
        for (i, entry) in layout.entries.enumerated() {
            let p = buffer.pointer + entry.offset
            if entry.name.hasSuffix("ln_1.weight") || entry.name.hasSuffix("ln_2.weight") || entry.name == "ln_f.weight" {
                p.update(repeating: 1, count: entry.count)
            } else if entry.shape.count == 2 {
                let std: Float = entry.name.hasSuffix("c_proj.weight") ? residualScale : 0.02
                var random = SeededRandom(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                for j in 0..<entry.count { p[j] = random.gaussian() * std }
            }
        }
    }

    /// All zeros (gradients, optimizer moments).
    public init(zerosLike layout: ParameterLayout) {
        self.layout = layout
        buffer = FloatBuffer(layout.count)
        sourceName = "zeros"
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Copies the weights of `source` (names with or without `transformer.`).
    public init(config: GPT2Config, source: TensorSource) throws {
        layout = ParameterLayout(config)
        buffer = FloatBuffer(layout.count)
        sourceName = source.sourceName
        for entry in layout.entries {
            let name = source.shape(of: "transformer." + entry.name) != nil ? "transformer." + entry.name : entry.name
            guard let shape = source.shape(of: name) else {
                throw TrainingError(.badInput, "\(source.sourceName): missing tensor '\(entry.name)'")
            }
            guard shape == entry.shape else {
                throw TrainingError(.badInput, "\(source.sourceName): tensor '\(name)' has shape \(shape), expected \(entry.shape)")
            }
            let values = try source.floats(name)
            (buffer.pointer + entry.offset).update(from: values.baseAddress!, count: entry.count)
        }
    }

    public func copy(from other: GPT2Parameters) {
        precondition(other.count == count)
        pointer.update(from: other.pointer, count: count)
    }

    public func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let entry = layout.entry(name.hasPrefix("transformer.") ? String(name.dropFirst(12)) : name) else {
            throw TrainingError(.badInput, "\(sourceName): missing tensor '\(name)'")
        }
        return UnsafeBufferPointer(start: buffer.pointer + entry.offset, count: entry.count)
    }

    /// The tensors as a safetensors file in transformers' names
    /// (`transformer.…`, the tied `lm_head` left out as transformers does).
    public func safetensors(float16: Bool) -> [UInt8] {
        let entries = layout.entries.map { entry -> SafeTensorsWriter.Entry in
            let values = UnsafeBufferPointer(start: buffer.pointer + entry.offset, count: entry.count)
            if float16 {
                var bytes = [UInt8](repeating: 0, count: 2 * entry.count)
                bytes.withUnsafeMutableBytes { raw in
                    for (i, x) in values.enumerated() { raw.storeBytes(of: Float16(x).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
                }
                return SafeTensorsWriter.Entry(name: "transformer." + entry.name, dtype: .f16, shape: entry.shape, bytes: bytes)
            }
            return SafeTensorsWriter.Entry(name: "transformer." + entry.name, shape: entry.shape, floats: Array(values))
        }
        return SafeTensorsWriter.serialize(entries, metadata: ["format": "pt"])
    }
}
