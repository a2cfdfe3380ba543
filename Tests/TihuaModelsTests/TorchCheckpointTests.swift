import Foundation
import Testing
@testable import TihuaModels

/// Torch checkpoints written by real torch.save: every tensor equals the
/// safetensors reference bit for bit, float32 data is read in place, and the
/// models built from them give the reference outputs and identities.
@Suite struct TorchCheckpointTests {
    /// Every tensor of the safetensors file has the same values in `other`.
    func expectSameValues(_ reference: SafeTensors, _ other: TensorSource) throws {
        for name in reference.names {
            let expected = try reference.floats(name)
            let actual = try other.floats(name)
            #expect(actual.count == expected.count, "\(name)")
            #expect(memcmp(actual.baseAddress!, expected.baseAddress!, 4 * expected.count) == 0, "\(name) differs")
            #expect(other.shape(of: name) == reference.shape(of: name), "\(name)")
        }
    }

    @Test func clipZipEqualsSafetensorsAndIsMappedInPlace() throws {
        let bin = try TorchCheckpoint(contentsOf: TorchFixtures.path("clip-tiny.bin"))
        let reference = try SafeTensors(contentsOf: Fixtures.path("clip-tiny/model.safetensors"))
        try expectSameValues(reference, bin)
        #expect(bin.archiveName == "pytorch_model")
        // The int64 position_ids buffers older transformers saved are there, and unused.
        #expect(bin.describe("text_model.embeddings.position_ids")?.dtype == .i64)
        // float32 storages are 64-byte aligned in the zip: every weight is a pointer into the map.
        for name in reference.names {
            #expect(bin.table.layouts[name]?.floatsInPlace != nil, "\(name) is copied")
        }
    }

    @Test func gpt2ZipAndLegacyEqualSafetensorsWithTiedStorage() throws {
        let reference = try SafeTensors(contentsOf: Fixtures.path("gpt2-tiny/model.safetensors"))
        for file in ["gpt2-tiny.bin", "gpt2-tiny-legacy.bin"] {
            let (source, format) = try WeightFormat.open(file: TorchFixtures.path(file))
            #expect(format == (file.contains("legacy") ? .torchLegacy : .torchZip))
            try expectSameValues(reference, source)
            // lm_head.weight and transformer.wte.weight are one storage referenced twice.
            #expect(try source.floats("lm_head.weight").baseAddress == source.floats("transformer.wte.weight").baseAddress)
            #expect(source.describe("transformer.h.0.attn.bias")?.dtype == .bool)
            #expect(source.describe("transformer.h.0.attn.bias")?.shape == [1, 1, 128, 128])
        }
    }

    @Test func clipFromBinGivesTheReferenceEmbeddingsAndTheSafetensorsIdentity() throws {
        let folder = TorchFixtures.folder(base: Fixtures.clipFolder,
                                          weights: [(TorchFixtures.path("clip-tiny.bin"), "pytorch_model.bin")])
        let bin = try CLIPModel(folder: folder.path, identityCache: nil)
        let safetensors = try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil)
        #expect(bin.identity == safetensors.identity)
        #expect(bin.identity.hasPrefix("chinese-clip-") && bin.identity.count == "chinese-clip-".count + 32)
        let texts = Fixtures.tokenizerCases.map(\.text)
        let embeds = try bin.encodeTexts(texts, normalize: false)
        let diff = maxAbsDiff(embeds.values, try Fixtures.clipReference.floatArray("text_embeds"))
        #expect(diff <= 1e-4, "max |diff| \(diff)")
        #expect(embeds == (try safetensors.encodeTexts(texts, normalize: false)))
    }

    @Test func gpt2FromZipAndLegacyGiveTheReferenceLogits() throws {
        let prompt = try Fixtures.gpt2Reference.integerArray("prompt_ids")
        let reference = try Fixtures.gpt2Reference.floatArray("prompt_logits")
        let safetensors = try GPT2Model(folder: Fixtures.gpt2Folder, identityCache: nil)
        for file in ["gpt2-tiny.bin", "gpt2-tiny-legacy.bin"] {
            let folder = TorchFixtures.folder(base: Fixtures.gpt2Folder, weights: [(TorchFixtures.path(file), "pytorch_model.bin")])
            let model = try GPT2Model(folder: folder.path, identityCache: nil)
            #expect(model.identity == safetensors.identity, "\(file)")
            let session = model.makeSession()
            try session.append(prompt, allPositions: true)
            let diff = maxAbsDiff(session.logits(), reference)
            #expect(diff <= 1e-4, "\(file): max |diff| \(diff)")
        }
    }

    /// Other dtypes, nn.Parameter, tensors with Python state, non-contiguous
    /// views, storage offsets, tied buffers, the legacy format, another
    /// archive folder name, big-endian data, ZIP64 and both sharded sets: all
    /// the same values, so the same identity and the same logits.
    @Test(arguments: ["f16.bin", "bf16.bin", "f64.bin", "param.bin", "state.bin", "noncontiguous.bin", "offsets.bin",
                      "tied-buffers.bin", "legacy.bin", "renamed.bin", "bigendian.bin", "zip64.bin",
                      "sharded-torch", "sharded-safetensors"])
    func microVariantsLoadToTheSameValues(_ variant: String) throws {
        let reference = try GPT2Model(folder: TorchFixtures.micro, identityCache: nil)
        let folder = variant.hasPrefix("sharded") ? TorchFixtures.shardedFolder(variant) : TorchFixtures.microFolder(variant)
        let model = try GPT2Model(folder: folder.path, identityCache: nil)
        #expect(model.identity == reference.identity)
        let logits = try SafeTensors(contentsOf: TorchFixtures.micro + "/prompt_logits.safetensors")
        let prompt = try logits.integerArray("prompt_ids")
        let a = model.makeSession(), b = reference.makeSession()
        try a.append(prompt, allPositions: true)
        try b.append(prompt, allPositions: true)
        #expect(a.logits() == b.logits(), "logits differ from the safetensors model")
        let diff = maxAbsDiff(a.logits(), try logits.floatArray("prompt_logits"))
        #expect(diff <= 1e-4, "max |diff| \(diff)")
    }

    @Test func formatsAreDetectedFromContent() throws {
        let cases: [(String, WeightFormat)] = [("gpt2-micro/f16.bin", .torchZip), ("gpt2-micro/legacy.bin", .torchLegacy),
                                               ("gpt2-micro/model.safetensors", .safetensors)]
        for (file, format) in cases {
            #expect(try WeightFormat.open(file: TorchFixtures.path(file)).1 == format)
        }
        let sharded = TorchFixtures.shardedFolder("sharded-torch")
        #expect(try ModelFolder(path: sharded.path).openWeights().format == .shardedTorch)
        let shardedST = TorchFixtures.shardedFolder("sharded-safetensors")
        #expect(try ModelFolder(path: shardedST.path).openWeights().format == .shardedSafetensors)
    }

    /// safetensors is preferred when a folder holds both.
    @Test func safetensorsPreferredOverBin() throws {
        let folder = TorchFixtures.folder(base: TorchFixtures.micro, weights: [
            (TorchFixtures.path("gpt2-micro/model.safetensors"), "model.safetensors"),
            (TorchFixtures.path("hostile/truncated.bin"), "pytorch_model.bin"),
        ])
        let found = try ModelFolder(path: folder.path)
        #expect(found.weightsPath.hasSuffix("/model.safetensors"))
        _ = try GPT2Model(folder: folder.path, identityCache: nil)
    }

    @Test func uerStyleVocabularyOfItsOwnSize() throws {
        // gpt2-micro's vocab.txt holds 300 BERT tokens plus 10 poem characters, vocab_size 310,
        // as uer/gpt2-chinese-poem's 22557 = BERT's 21128 plus its own characters.
        let model = try GPT2Model(folder: TorchFixtures.micro, identityCache: nil)
        #expect(model.config.vocabSize == 310 && model.tokenizer.vocabulary.count == 310)
        #expect(model.tokenizer.tokenIDs("春眠") == [300, 301])
        let uer = """
        {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "bos_token_id": 50256, "eos_token_id": 50256,
         "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_inner": null,
         "n_layer": 12, "n_positions": 1024, "tokenizer_class": "BertTokenizer", "vocab_size": 22557}
        """
        let config = try GPT2Config(json: Array(uer.utf8))
        #expect(config.vocabSize == 22557 && config.positions == 1024 && config.layers == 12 && config.activation == .geluTanh)
    }
}
