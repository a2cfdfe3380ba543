import Foundation
import Testing
@testable import TihuaModels

/// `ModelInspection` on usable and broken folders: every problem is listed,
/// the identity matches the model's, unused tensors are named.
@Suite struct ModelInspectionTests {
    @Test func clipSafetensorsAndBinAgree() throws {
        let st = ModelInspection(folder: Fixtures.clipFolder, identityCache: nil)
        #expect(st.isUsable && st.problems.isEmpty)
        #expect(st.architecture == "chinese-clip" && st.format == .safetensors && st.dtypes == ["F32"])
        #expect(st.identity == (try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil).identity))
        #expect(st.sizes.first { $0.key == "image_size" }?.value == 224)
        let bin = TorchFixtures.folder(base: Fixtures.clipFolder, weights: [(TorchFixtures.path("clip-tiny.bin"), "pytorch_model.bin")])
        let b = ModelInspection(folder: bin.path, identityCache: nil)
        #expect(b.isUsable && b.format == .torchZip && b.dtypes == ["F32", "I64"])
        #expect(b.identity == st.identity && b.parameters == st.parameters)
        // logit_scale is stored but plays no part in an embedding; the buffers are the rest.
        #expect(b.unused == ["logit_scale", "text_model.embeddings.position_ids", "vision_model.embeddings.position_ids"])
        #expect(st.unused == ["logit_scale"] && b.tensors == st.tensors + 2)
    }

    @Test func gpt2WithTiedHeadAndBuffers() throws {
        let folder = TorchFixtures.microFolder("tied-buffers.bin")
        let i = ModelInspection(folder: folder.path, identityCache: nil)
        #expect(i.isUsable && i.architecture == "gpt2" && i.format == .torchZip)
        #expect(i.dtypes == ["BOOL", "F32", "U8"])
        #expect(i.unused.contains("lm_head.weight") && i.unused.contains("transformer.h.1.attn.bias") && i.unused.contains("transformer.h.0.attn.masked_bias"))
        #expect(i.identity == (try GPT2Model(folder: TorchFixtures.micro, identityCache: nil).identity))
        let shardedFolder = TorchFixtures.shardedFolder("sharded-torch")
        let sharded = ModelInspection(folder: shardedFolder.path, identityCache: nil)
        #expect(sharded.format == .shardedTorch, "\(String(describing: sharded.format))")
        #expect(sharded.files.count == 3, "\(sharded.files)")
        #expect(sharded.identity == i.identity, "\(sharded.problems)")
    }

    /// Several problems at once are all reported, and there is no identity.
    @Test func everyProblemIsListed() throws {
        var entries = try clipTinyEntries().filter { $0.name != "vision_model.post_layernorm.bias" }
        let i = entries.firstIndex { $0.name == "text_projection.weight" }!
        entries[i].shape = [64, 32]
        let folder = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
        let inspection = ModelInspection(folder: folder.path, identityCache: nil)
        #expect(!inspection.isUsable && inspection.identity == nil)
        #expect(inspection.problems.count == 2, "\(inspection.problems)")
        #expect(inspection.problems.contains { $0.contains("missing tensor 'vision_model.post_layernorm.bias'") })
        #expect(inspection.problems.contains { $0.contains("'text_projection.weight' has shape [64, 32]") })
    }

    @Test func nanWeightsAreAProblem() throws {
        let entries = try clipTinyEntries().map { entry -> SafeTensorsWriter.Entry in
            guard entry.name == "text_projection.weight" else { return entry }
            var e = entry
            withUnsafeBytes(of: Float.nan.bitPattern) { e.bytes.replaceSubrange(0..<4, with: $0) }
            return e
        }
        let folder = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
        let inspection = ModelInspection(folder: folder.path, identityCache: nil)
        #expect(inspection.problems == ["\(folder.path)/model.safetensors: tensor 'text_projection.weight' has 1 NaN or infinite values"])
    }

    @Test func unusableFolders() throws {
        #expect(ModelInspection(folder: "/nonexistent/model", identityCache: nil).problems == ["/nonexistent/model: no such model folder"])
        let hostile = TorchFixtures.folder(base: TorchFixtures.micro, weights: [(TorchFixtures.path("hostile/os-system.bin"), "pytorch_model.bin")])
        let h = ModelInspection(folder: hostile.path, identityCache: nil)
        #expect(!h.isUsable && h.architecture == "gpt2" && h.problems.count == 1 && h.problems[0].contains("'os.system'"))
        let original = TorchFixtures.folder(base: Fixtures.clipFolder, weights: [(TorchFixtures.path("clip-micro-original.pt"), "pytorch_model.bin")])
        let o = ModelInspection(folder: original.path, identityCache: nil)
        #expect(o.problems.count == 1 && o.problems[0].contains("original Chinese-CLIP checkpoint layout"), "\(o.problems)")
        let json = String(decoding: try JSONEncoder().encode(o), as: UTF8.self)
        #expect(json.contains("\"usable\":false") && json.contains("\"identity\":null") && json.contains("\"format\":\"torch-zip\""))
    }
}
