import Foundation
import Testing
@testable import TihuaModels

/// Broken safetensors files: each gives a ModelError whose one-line message
/// names the problem (and the tensor, offset or file), never a crash.
@Suite struct SafeTensorsTests {
    static let fixtureBytes = Fixtures.bytes("clip-tiny/model.safetensors")

    static func load(_ bytes: [UInt8]) -> ModelError? {
        modelError { _ = try SafeTensors(bytes: bytes, source: "model.safetensors") }
    }

    /// A file of one JSON header and `dataSize` zero bytes.
    static func file(header json: String, dataSize: Int) -> [UInt8] {
        var j = Array(json.utf8)
        while j.count % 8 != 0 { j.append(0x20) }
        var out = (0..<8).map { UInt8(truncatingIfNeeded: j.count >> (8 * $0)) }
        out += j
        out += [UInt8](repeating: 0, count: dataSize)
        return out
    }

    @Test func fixtureLoadsAndReadsInPlace() throws {
        let st = try SafeTensors(contentsOf: Fixtures.path("clip-tiny/model.safetensors"))
        #expect(st.tensors.count == 79)
        #expect(st.metadata == ["format": "pt"])
        #expect(try st.info("text_projection.weight").shape == [32, 64])
        let logitScale = try st.floats("logit_scale")
        #expect(logitScale.count == 1)
        // Zero-copy: the float pointer lies inside the map.
        let raw = try st.rawBytes("text_projection.weight")
        #expect(UnsafeRawPointer(try st.floats("text_projection.weight").baseAddress!) == raw.baseAddress!)
    }

    @Test func halfAndBFloat16AreConvertedOnAccess() throws {
        let halfs: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7C00, 0x3555]  // 1, -2, 2^-24, inf, 0.33325
        let bf16s: [UInt16] = [0x3F80, 0xC040, 0x3EAB]                  // 1, -3, 0.333984
        let bytes = SafeTensorsWriter.serialize([
            .init(name: "h", dtype: .f16, shape: [5], bytes: halfs.withUnsafeBytes { Array($0) }),
            .init(name: "b", dtype: .bf16, shape: [3], bytes: bf16s.withUnsafeBytes { Array($0) }),
            .init(name: "i", dtype: .i64, shape: [2], bytes: [Int64(-5), 7].withUnsafeBytes { Array($0) }),
        ])
        let st = try SafeTensors(bytes: bytes, source: "mixed.safetensors")
        #expect(Array(try st.floats("h")) == [1, -2, 0x1p-24, .infinity, 0.333_251_95])
        #expect(Array(try st.floats("b")) == [1, -3, 0.333_984_38])
        #expect(try st.integerArray("i") == [-5, 7])
        #expect(modelError { _ = try st.floats("i") }?.kind == .unsupported)
    }

    @Test func emptyFile() {
        let e = Self.load([])
        #expect(e?.message == "model.safetensors: file is 0 bytes, too short for a safetensors header (8-byte length, then JSON)")
    }

    @Test func missingFile() {
        let e = modelError { _ = try SafeTensors(contentsOf: "/nonexistent/model.safetensors") }
        #expect(e?.kind == .notFound)
        #expect(e?.message == "/nonexistent/model.safetensors: no such file")
    }

    @Test func headerLengthBeyondTheFile() {
        var bytes = Self.fixtureBytes
        bytes.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        let e = Self.load(bytes)
        #expect(e?.message == "model.safetensors: header length 2147483647 (bytes 0-7) exceeds the file (6614324 bytes)")
    }

    @Test func garbageJSON() {
        var bytes = Self.fixtureBytes
        // Cut the opening quote of the first key: "{__metadata__\"…"
        bytes[9] = UInt8(ascii: "_")
        let e = Self.load(bytes)
        #expect(e?.kind == .format)
        #expect(e?.message == "model.safetensors: invalid JSON at byte 9: expected a string key")
    }

    @Test func headerThatIsNotAnObject() {
        let e = Self.load(Self.file(header: "[1, 2, 3]", dataSize: 0))
        #expect(e?.message == "model.safetensors: header at byte 8 does not start with '{'")
    }

    @Test func offsetsOutsideTheData() {
        let json = #"{"text_model.embeddings.word_embeddings.weight":{"dtype":"F32","shape":[249999999],"data_offsets":[0,999999996]}}"#
        let e = Self.load(Self.file(header: json, dataSize: 6_614_000))
        #expect(e?.message == "model.safetensors: tensor 'text_model.embeddings.word_embeddings.weight': data_offsets [0, 999999996] exceed the data section (6614000 bytes)")
    }

    @Test func overlappingTensors() {
        let json = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#
        let e = Self.load(Self.file(header: json, dataSize: 24))
        #expect(e?.message == "model.safetensors: tensors 'a' [0, 16] and 'b' [8, 24] overlap")
    }

    @Test func dtypeShapeSizeMismatch() {
        let json = #"{"w":{"dtype":"F16","shape":[3,4],"data_offsets":[0,48]}}"#
        let e = Self.load(Self.file(header: json, dataSize: 48))
        #expect(e?.message == "model.safetensors: tensor 'w': shape [3, 4] of F16 needs 24 bytes but data_offsets [0, 48] hold 48")
    }

    @Test func shapeProductOverflow() {
        let json = #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        let e = Self.load(Self.file(header: json, dataSize: 0))
        #expect(e?.message == "model.safetensors: tensor 'w': shape [4294967296, 4294967296] overflows the byte count")
    }

    @Test func unknownDtypeAndBadFields() {
        #expect(Self.load(Self.file(header: #"{"w":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}"#, dataSize: 4))?.message
                == "model.safetensors: tensor 'w': unknown dtype 'F31'")
        #expect(Self.load(Self.file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, dataSize: 4))?.message
                == "model.safetensors: tensor 'w': shape entry -1 is not a non-negative integer")
        #expect(Self.load(Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, dataSize: 4))?.message
                == "model.safetensors: tensor 'w': data_offsets [4, 0] are reversed")
        #expect(Self.load(Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, dataSize: 8))?.message
                == "model.safetensors: tensor 'w': 'data_offsets' must be two non-negative integers")
        #expect(Self.load(Self.file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataSize: 4))?.message
                .contains("duplicate key \"w\"") == true)
        #expect(Self.load(Self.file(header: #"{"__metadata__":{"format":1}}"#, dataSize: 0))?.message
                == "model.safetensors: '__metadata__' key 'format' is not a string")
    }

    @Test func shapeThatDisagreesWithTheConfig() throws {
        var entries = try clipTinyEntries()
        let i = entries.firstIndex { $0.name == "text_projection.weight" }!
        entries[i].shape = [64, 32]  // same byte count, transposed
        let folder = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
        let e = modelError { _ = try CLIPModel(folder: folder.path) }
        #expect(e?.kind == .shape)
        #expect(e?.message == "\(folder.path)/model.safetensors: tensor 'text_projection.weight' has shape [64, 32], \(folder.path)/config.json implies [32, 64]")
    }

    @Test func missingTensor() throws {
        let entries = try clipTinyEntries().filter { $0.name != "vision_model.post_layernorm.bias" }
        let folder = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
        let e = modelError { _ = try CLIPModel(folder: folder.path) }
        #expect(e?.message == "\(folder.path)/model.safetensors: missing tensor 'vision_model.post_layernorm.bias' (\(folder.path)/config.json implies shape [64])")
    }

    /// A folder re-written by our writer opens and gives the reference embeddings:
    /// the writer and the reader agree (and F16 weights are read through conversion).
    @Test func rewrittenFolderStillMatchesReference() throws {
        let folder = TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(try clipTinyEntries(), metadata: ["format": "pt"]))
        let model = try CLIPModel(folder: folder.path)
        let reference = try Fixtures.clipReference.floatArray("text_embeds")
        let e = try model.encodeTexts([Fixtures.tokenizerCases[0].text], normalize: false)
        #expect(maxAbsDiff(e.row(0), reference[0..<32]) <= 1e-4)
    }

    @Test func missingModelFolder() {
        let e = modelError { _ = try CLIPModel(folder: "/nonexistent/clip") }
        #expect(e?.kind == .notFound)
        #expect(e?.message == "/nonexistent/clip: no such model folder")
        let empty = TemporaryFolder()
        let none = modelError { _ = try CLIPModel(folder: empty.path) }
        #expect(none?.kind == .notFound)
        #expect(none?.message.contains("no weights: expected model.safetensors, pytorch_model.bin") == true)
    }
}
