import Testing
@testable import TihuaModels

/// The vision tower against transformers' ChineseCLIPModel on the reference
/// pixel values (clip-tiny fixture). Tolerance: max |diff| ≤ 1e-4.
@Suite struct CLIPVisionTests {
    static let model = try! CLIPModel(folder: Fixtures.clipFolder)
    static let tolerance: Float = 1e-4
    static let perImage = 3 * 224 * 224

    static func pixels(_ names: [String]) -> [Float] {
        names.flatMap { try! Fixtures.pixelReference.floatArray("pixel_values.\($0)") }
    }

    @Test func imageEmbedsOneByOneMatchReference() throws {
        let reference = try Fixtures.clipReference.floatArray("image_embeds")  // [8, 32]
        for (i, name) in Fixtures.imageNames.enumerated() {
            let e = try Self.model.encodeImages(pixelValues: Self.pixels([name]), count: 1, normalize: false)
            let diff = maxAbsDiff(e.row(0), reference[(i * 32)..<((i + 1) * 32)])
            #expect(diff <= Self.tolerance, "\(name): max |diff| \(diff)")
        }
    }

    @Test(arguments: [8, 3])
    func imageEmbedsBatchedMatchReference(batchSize: Int) throws {
        let reference = try Fixtures.clipReference.floatArray("image_embeds")
        let e = try Self.model.encodeImages(pixelValues: Self.pixels(Fixtures.imageNames), count: 8, normalize: false, batchSize: batchSize)
        let diff = maxAbsDiff(e.values, reference)
        #expect(diff <= Self.tolerance, "max |diff| \(diff)")
    }

    /// pubu's hidden states and pooler output, alone and as image 4 of a batch of 8.
    @Test(arguments: [false, true])
    func hiddenStatesOfPubu(batched: Bool) throws {
        let ref = Fixtures.clipReference
        let names = batched ? Fixtures.imageNames : ["pubu"]
        let item = batched ? 4 : 0
        let out = try Self.pixels(names).withUnsafeBufferPointer {
            try Self.model.vision.forward(pixels: $0, count: names.count, keepHiddenStates: true)
        }
        let checks = [("vision.hidden_states.0.pubu", 0), ("vision.hidden_states.1.pubu", 1), ("vision.last_hidden_state.pubu", 2)]
        for (name, index) in checks {
            let diff = maxAbsDiff(out.hiddenState(index, item: item), try ref.floatArray(name))
            #expect(diff <= Self.tolerance, "\(name): max |diff| \(diff)")
        }
        let pooled = out.pooled[(item * 64)..<((item + 1) * 64)]
        let diff = maxAbsDiff(pooled, try ref.floatArray("vision.pooler_output.pubu"))
        #expect(diff <= Self.tolerance, "pooler_output: max |diff| \(diff)")
    }

    @Test func wrongPixelCountIsRefused() {
        #expect(throws: ModelError.self) {
            try Self.model.encodeImages(pixelValues: [Float](repeating: 0, count: Self.perImage - 1), count: 1)
        }
    }

    @Test func nonFinitePixelIsRefused() {
        var pixels = [Float](repeating: 0, count: Self.perImage)
        pixels[1234] = .nan
        #expect(throws: ModelError.self) { try Self.model.encodeImages(pixelValues: pixels, count: 1) }
    }

    @Test func identityIsStableAndNamesTheModel() throws {
        let again = try CLIPModel(folder: Fixtures.clipFolder)
        #expect(again.identity == Self.model.identity)
        #expect(Self.model.identity.hasPrefix("chinese-clip-"))
        #expect(Self.model.dimension == 32)
    }
}
