import Testing
@testable import TihuaModels

/// The text tower against transformers' ChineseCLIPModel (clip-tiny fixture,
/// float32). Tolerance: max |diff| ≤ 1e-4 everywhere.
@Suite struct CLIPTextTests {
    static let model = try! CLIPModel(folder: Fixtures.clipFolder)
    static let tolerance: Float = 1e-4
    static let texts = Fixtures.tokenizerCases.map(\.text)

    @Test func textEmbedsOneByOneMatchReference() throws {
        let reference = try Fixtures.clipReference.floatArray("text_embeds")  // [20, 32], not normalised
        for (i, text) in Self.texts.enumerated() {
            let e = try Self.model.encodeTexts([text], normalize: false)
            let diff = maxAbsDiff(e.row(0), reference[(i * 32)..<((i + 1) * 32)])
            #expect(diff <= Self.tolerance, "case \(i): max |diff| \(diff)")
        }
    }

    /// All 20 in padded batches (lengths 3…52 tokens): padding must not change a result.
    @Test(arguments: [20, 7, 1])
    func textEmbedsBatchedMatchReference(batchSize: Int) throws {
        let reference = try Fixtures.clipReference.floatArray("text_embeds")
        let e = try Self.model.encodeTexts(Self.texts, normalize: false, batchSize: batchSize)
        #expect(e.count == 20 && e.dimension == 32)
        let diff = maxAbsDiff(e.values, reference)
        #expect(diff <= Self.tolerance, "max |diff| \(diff)")
    }

    /// Case 7's hidden states (embeddings, after layer 0, after layer 1), alone
    /// and as one padded member of a batch of all 20.
    @Test(arguments: [false, true])
    func hiddenStatesOfCase7(batched: Bool) throws {
        let ref = Fixtures.clipReference
        let names = ["text.hidden_states.0.case7", "text.hidden_states.1.case7", "text.last_hidden_state.case7"]
        let ids = Self.texts.map(Self.model.tokenize)
        let batch = batched ? ids : [ids[7]]
        let item = batched ? 7 : 0
        let out = try Self.model.text.forward(tokenIDs: batch, keepHiddenStates: true)
        #expect(out.hiddenStates.count == 3)
        if batched { #expect(out.sequenceLength == 52) }
        for (index, name) in names.enumerated() {
            let diff = maxAbsDiff(out.hiddenState(index, item: item), try ref.floatArray(name))
            #expect(diff <= Self.tolerance, "\(name): max |diff| \(diff)")
        }
    }

    @Test func embeddingsAreUnitLength() throws {
        let e = try Self.model.encodeTexts(["明月", "故乡"])
        for i in 0..<2 {
            let norm = e.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func emptyListGivesNoRows() throws {
        let e = try Self.model.encodeTexts([])
        #expect(e.count == 0 && e.values.isEmpty && e.dimension == 32)
    }

    @Test func outOfVocabularyIDIsRefused() {
        #expect(throws: ModelError.self) { try Self.model.text.forward(tokenIDs: [[101, 21128, 102]]) }
    }
}
