import Foundation
import TihuaModels

/// A training checkpoint: one safetensors file holding the parameters and
/// AdamW's two moments (float32, flat, in the parameters' layout) and, in
/// its metadata, the step. Written atomically.
enum TrainingCheckpoint {
    static func save(_ path: String, parameters: GPT2Parameters, optimizer: AdamW, step: Int) throws {
        func flat(_ name: String, _ p: GPT2Parameters) -> SafeTensorsWriter.Entry {
            SafeTensorsWriter.Entry(name: name, dtype: .f32, shape: [p.count],
                                    bytes: Array(UnsafeRawBufferPointer(start: p.pointer, count: 4 * p.count)))
        }
        let bytes = SafeTensorsWriter.serialize(
            [flat("parameters", parameters), flat("adam.m", optimizer.m), flat("adam.v", optimizer.v)],
            metadata: ["step": "\(step)", "adam_step": "\(optimizer.step)", "parameters": "\(parameters.count)"])
        try AtomicFile.write(bytes, to: path)
    }

    static func load(_ path: String, config: GPT2Config, settings: AdamW.Settings) throws -> (GPT2Parameters, AdamW, Int) {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch {
            throw TrainingError(.corrupt, "\(path): not a readable checkpoint (\(error)); delete it to start over")
        }
        let layout = ParameterLayout(config)
        guard let step = file.metadata["step"].flatMap(Int.init), let adamStep = file.metadata["adam_step"].flatMap(Int.init),
              step >= 0, adamStep >= 0 else {
            throw TrainingError(.corrupt, "\(path): the checkpoint has no step")
        }
        let parameters = GPT2Parameters(zerosLike: layout)
        let optimizer = AdamW(layout: layout, settings: settings)
        optimizer.step = adamStep
        for (name, target) in [("parameters", parameters), ("adam.m", optimizer.m), ("adam.v", optimizer.v)] {
            guard file.tensors[name]?.shape == [layout.count], let values = try? file.floats(name) else {
                throw TrainingError(.corrupt, "\(path): tensor '\(name)' missing or not of \(layout.count) values (another model size?)")
            }
            target.pointer.update(from: values.baseAddress!, count: layout.count)
        }
        parameters.sourceName = path
        return (parameters, optimizer, step)
    }
}
