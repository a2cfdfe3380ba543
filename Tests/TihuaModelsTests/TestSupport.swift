import Foundation
@_exported import TihuaTestSupport
@testable import TihuaModels

extension TemporaryFolder {
    /// A copy of the clip-tiny folder whose model.safetensors is `weights`.
    static func clipFolder(weights: [UInt8]) -> TemporaryFolder {
        let folder = TemporaryFolder()
        folder.write("config.json", Fixtures.bytes("clip-tiny/config.json"))
        folder.write("vocab.txt", Fixtures.bytes("clip-tiny/vocab.txt"))
        folder.write("model.safetensors", weights)
        return folder
    }
}

/// The clip-tiny tensors as writer entries, to be altered and re-serialised.
func clipTinyEntries() throws -> [SafeTensorsWriter.Entry] {
    let file = try SafeTensors(contentsOf: Fixtures.path("clip-tiny/model.safetensors"))
    return try file.names.map { name in
        let info = try file.info(name)
        return SafeTensorsWriter.Entry(name: name, dtype: info.dtype, shape: info.shape, bytes: Array(try file.rawBytes(name)))
    }
}

/// The ModelError thrown by `body`, or nil when it throws nothing (any
/// other error type fails the calling test through `#expect`).
func modelError(_ body: () throws -> Void) -> ModelError? {
    do {
        try body()
        return nil
    } catch let error as ModelError {
        return error
    } catch {
        return ModelError(.io, "NOT A ModelError: \(error)")
    }
}
