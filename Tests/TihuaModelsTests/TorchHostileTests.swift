import Foundation
import Testing
@testable import TihuaModels

/// Hostile and broken checkpoints: each refused with one clear error of the
/// right kind that names the file and what is wrong; nothing is executed.
@Suite struct TorchHostileTests {
    func refusal(_ file: String) -> ModelError? {
        modelError { _ = try WeightFormat.open(file: TorchFixtures.path(file)) }
    }

    @Test func forbiddenGlobalsAreNamed() throws {
        let system = try #require(refusal("hostile/os-system.bin"))
        #expect(system.kind == .format)
        #expect(system.message.contains("'os.system'") && system.message.contains("may not use"), "\(system)")
        #expect(system.message.contains("hostile/os-system.bin"))
        let eval = try #require(refusal("hostile/eval.bin"))
        #expect(eval.message.contains("'builtins.eval'"), "\(eval)")
    }

    @Test func brokenArchives() throws {
        let truncated = try #require(refusal("hostile/truncated.bin"))
        #expect(truncated.kind == .format && truncated.message.contains("truncated"), "\(truncated)")
        let compressed = try #require(refusal("hostile/compressed.bin"))
        #expect(compressed.kind == .unsupported && compressed.message.contains("compressed"), "\(compressed)")
        let notCheckpoint = try #require(refusal("hostile/not-a-checkpoint.zip"))
        #expect(notCheckpoint.message.contains("not a PyTorch checkpoint"), "\(notCheckpoint)")
        let missing = try #require(refusal("hostile/missing-storage.bin"))
        #expect(missing.message.contains("data/3"), "\(missing)")
    }

    @Test func hugeDeclaredSizesAreRefusedBeforeUse() throws {
        let shape = try #require(refusal("hostile/huge-shape.bin"))
        #expect(shape.kind == .format && shape.message.contains("tensor 'w'") && shape.message.contains("reaches element"), "\(shape)")
        let numel = try #require(refusal("hostile/huge-numel.bin"))
        #expect(numel.kind == .format && numel.message.contains("declares"), "\(numel)")
    }

    /// Odd but legal views load without any sum overflowing.
    @Test func hugeStrideOnSizeOneAndEmptyTensorFarAway() throws {
        let stride = try TorchCheckpoint(contentsOf: TorchFixtures.path("hostile/huge-stride.bin"))
        #expect(Array(try stride.floats("w")) == [1, 2, 3, 4])
        let empty = try TorchCheckpoint(contentsOf: TorchFixtures.path("hostile/empty-far.bin"))
        #expect(empty.shape(of: "w") == [0, 4])
        #expect(try empty.floats("w").isEmpty)
    }

    @Test func modelLevelProblemsNameTheTensor() throws {
        let wrong = TorchFixtures.folder(base: TorchFixtures.micro, weights: [(TorchFixtures.path("hostile/wrong-shape.bin"), "pytorch_model.bin")])
        let shape = try #require(modelError { _ = try GPT2Model(folder: wrong.path, identityCache: nil) })
        #expect(shape.kind == .shape && shape.message.contains("transformer.h.0.ln_1.weight") && shape.message.contains("[17]"), "\(shape)")

        let missing = TorchFixtures.folder(base: TorchFixtures.micro, weights: [(TorchFixtures.path("hostile/missing-tensor.bin"), "pytorch_model.bin")])
        let absent = try #require(modelError { _ = try GPT2Model(folder: missing.path, identityCache: nil) })
        #expect(absent.kind == .notFound && absent.message.contains("transformer.ln_f.bias"), "\(absent)")

        let ints = TorchFixtures.folder(base: TorchFixtures.micro, weights: [(TorchFixtures.path("hostile/int-weights.bin"), "pytorch_model.bin")])
        let dtype = try #require(modelError { _ = try GPT2Model(folder: ints.path, identityCache: nil) })
        #expect(dtype.kind == .unsupported && dtype.message.contains("transformer.wpe.weight") && dtype.message.contains("I64"), "\(dtype)")
    }

    @Test func originalChineseCLIPLayoutIsRefusedWithWhatIsSupported() throws {
        let folder = TorchFixtures.folder(base: Fixtures.clipFolder,
                                          weights: [(TorchFixtures.path("clip-micro-original.pt"), "pytorch_model.bin")])
        let e = try #require(modelError { _ = try CLIPModel(folder: folder.path, identityCache: nil) })
        #expect(e.kind == .unsupported && e.message.contains("module.visual") && e.message.contains("chinese-clip-vit-base-patch16"), "\(e)")
        // A folder with only the original .pt: no weights, and the hint says why.
        let only = TemporaryFolder()
        only.write("config.json", Fixtures.bytes("clip-tiny/config.json"))
        try FileManager.default.createSymbolicLink(atPath: only.file("clip_cn_vit-b-16.pt"),
                                                   withDestinationPath: TorchFixtures.path("clip-micro-original.pt"))
        let none = try #require(modelError { _ = try CLIPModel(folder: only.path, identityCache: nil) })
        #expect(none.kind == .notFound && none.message.contains("clip_cn_vit-b-16.pt is the original Chinese-CLIP release"), "\(none)")
    }

    @Test func shardIndexCannotPointOutsideItsFolder() throws {
        let folder = TorchFixtures.folder(base: TorchFixtures.micro, weights: [], extra: [
            "pytorch_model.bin.index.json": Array(#"{"weight_map": {"transformer.wte.weight": "../../etc/passwd"}}"#.utf8),
        ])
        let e = try #require(modelError { _ = try GPT2Model(folder: folder.path, identityCache: nil) })
        #expect(e.kind == .format && e.message.contains("not a file beside the index"), "\(e)")
    }

    @Test func nonRegularWeightFilesAreRefusedWithoutBlocking() throws {
        let folder = TemporaryFolder()
        let fifo = folder.file("model.safetensors")
        #expect(mkfifo(fifo, 0o600) == 0)
        let e = try #require(modelError { _ = try WeightFormat.open(file: fifo) })
        #expect(e.message.contains("a FIFO"), "\(e)")
    }
}
