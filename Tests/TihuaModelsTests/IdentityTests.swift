import Foundation
import Testing
@testable import TihuaModels

/// The model identity follows every tensor value (not file bytes, not
/// sampled regions), the config's meaning and the vocabulary; the cache
/// skips the hashing only while the files are unchanged.
@Suite struct IdentityTests {
    /// clip-tiny with one value of `tensor` at `index` replaced by `value`.
    func changedFolder(_ tensor: String, index: Int, value: Float) throws -> TemporaryFolder {
        let entries = try clipTinyEntries().map { entry -> SafeTensorsWriter.Entry in
            guard entry.name == tensor else { return entry }
            var e = entry
            withUnsafeBytes(of: value.bitPattern.littleEndian) { e.bytes.replaceSubrange((4 * index)..<(4 * index + 4), with: $0) }
            return e
        }
        return TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
    }

    @Test func anyChangedValueChangesTheIdentity() throws {
        let reference = try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil).identity
        // The same values rewritten in another order and another file: same identity.
        let rewritten = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(try clipTinyEntries().reversed()))
        #expect(try CLIPModel(folder: rewritten.path, identityCache: nil).identity == reference)
        // A NaN text_projection (not in any sampled region of the old fingerprint).
        let nan = try changedFolder("text_projection.weight", index: 7, value: .nan)
        #expect(try CLIPModel(folder: nan.path, identityCache: nil).identity != reference)
        // One value in the middle of the word embeddings.
        let middle = try changedFolder("text_model.embeddings.word_embeddings.weight", index: 700_001, value: 0.5)
        #expect(try CLIPModel(folder: middle.path, identityCache: nil).identity != reference)
    }

    @Test func configMeaningAndVocabularyCount() throws {
        let reference = try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil).identity
        let weights = Fixtures.bytes("clip-tiny/model.safetensors")
        // Formatting is not meaning: trailing whitespace keeps the identity.
        let spaced = TemporaryFolder.clipFolder(weights: weights)
        spaced.write("config.json", Fixtures.bytes("clip-tiny/config.json") + Array(" \n".utf8))
        #expect(try CLIPModel(folder: spaced.path, identityCache: nil).identity == reference)
        // Another LayerNorm epsilon changes what the model computes.
        let eps = TemporaryFolder.clipFolder(weights: weights)
        let text = String(decoding: Fixtures.bytes("clip-tiny/config.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"layer_norm_eps\": 1e-12", with: "\"layer_norm_eps\": 1e-6")
        eps.write("config.json", Array(text.utf8))
        #expect(try CLIPModel(folder: eps.path, identityCache: nil).identity != reference)
        // A renamed token.
        let vocab = TemporaryFolder.clipFolder(weights: weights)
        let renamed = String(decoding: Fixtures.bytes("clip-tiny/vocab.txt"), as: UTF8.self)
            .replacingOccurrences(of: "[unused1]\n", with: "[unused1x]\n")
        vocab.write("vocab.txt", Array(renamed.utf8))
        #expect(try CLIPModel(folder: vocab.path, identityCache: nil).identity != reference)
    }

    @Test func cacheIsUsedWhileTheFilesAreUnchanged() throws {
        let store = TemporaryFolder()
        let cache = ModelIdentityCache(file: store.file("cache/model-identities"))
        let folder = TemporaryFolder.clipFolder(weights: Fixtures.bytes("clip-tiny/model.safetensors"))
        let computed = try CLIPModel(folder: folder.path, identityCache: cache).identity
        #expect(computed == (try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil).identity))
        let line = try String(contentsOfFile: cache.file, encoding: .utf8)
        #expect(line.hasSuffix(" \(computed)\n"))

        // A forged entry for the same key is returned as it is: the weights were not hashed again.
        let forged = "chinese-clip-" + String(repeating: "ab", count: 16)
        try (String(line.prefix(32)) + " " + forged + "\n").write(toFile: cache.file, atomically: true, encoding: .utf8)
        #expect(try CLIPModel(folder: folder.path, identityCache: cache).identity == forged)

        // Rewriting the weights (same bytes, even) changes their status: hashed again.
        folder.write("model.safetensors", Fixtures.bytes("clip-tiny/model.safetensors"))
        #expect(try CLIPModel(folder: folder.path, identityCache: cache).identity == computed)
    }

    @Test func unwritableCacheOnlyCostsTime() throws {
        let cache = ModelIdentityCache(file: "/proc/tihua-cannot-write/model-identities")
        let identity = try CLIPModel(folder: Fixtures.clipFolder, identityCache: cache).identity
        #expect(identity == (try CLIPModel(folder: Fixtures.clipFolder, identityCache: nil).identity))
    }
}
