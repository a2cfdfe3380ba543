import Foundation
@testable import TihuaModels

/// The torch checkpoint fixtures (Fixtures/torch, made by
/// make_torch_fixtures.py with real torch.save) and model folders assembled
/// from them in temporary folders (symbolic links, nothing copied).
enum TorchFixtures {
    static func path(_ relative: String) -> String { Fixtures.root + "/torch/" + relative }
    static var micro: String { path("gpt2-micro") }

    /// A model folder: the files of `base` (a folder) except weights, plus
    /// `weights` linked under the name `as`. Extra files are written as given.
    static func folder(base: String, weights: [(file: String, as: String)], extra: [String: [UInt8]] = [:]) -> TemporaryFolder {
        let folder = TemporaryFolder()
        let fm = FileManager.default
        for name in ["config.json", "vocab.txt", "preprocessor_config.json"] where fm.fileExists(atPath: base + "/" + name) {
            try! fm.createSymbolicLink(atPath: folder.file(name), withDestinationPath: base + "/" + name)
        }
        for w in weights {
            try! fm.createSymbolicLink(atPath: folder.file(w.as), withDestinationPath: w.file)
        }
        for (name, bytes) in extra { folder.write(name, bytes) }
        return folder
    }

    /// gpt2-micro with `file` (relative to gpt2-micro/) as its pytorch_model.bin.
    static func microFolder(_ file: String, as name: String = "pytorch_model.bin") -> TemporaryFolder {
        folder(base: micro, weights: [(micro + "/" + file, name)])
    }

    /// A sharded gpt2-micro folder (`sharded-torch` or `sharded-safetensors`).
    static func shardedFolder(_ kind: String) -> TemporaryFolder {
        let dir = micro + "/" + kind
        let files = try! FileManager.default.contentsOfDirectory(atPath: dir)
        return folder(base: micro, weights: files.map { (dir + "/" + $0, $0) })
    }
}
