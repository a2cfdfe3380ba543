import Foundation
import Testing
@testable import TihuaModels

/// A model whose weights make NaN or zero embeddings is refused when asked
/// for normalised embeddings, instead of returning them; a CRLF vocab.txt
/// reads as transformers reads it.
@Suite struct NumericalRefusalTests {
    func folder(projection value: Float) throws -> TemporaryFolder {
        let entries = try clipTinyEntries().map { entry -> SafeTensorsWriter.Entry in
            guard entry.name == "text_projection.weight" || entry.name == "visual_projection.weight" else { return entry }
            var e = entry
            e.bytes = [Float](repeating: value, count: entry.bytes.count / 4).withUnsafeBytes { Array($0) }
            return e
        }
        return TemporaryFolder.clipFolder(weights: SafeTensorsWriter.serialize(entries))
    }

    @Test func nanAndZeroEmbeddingsAreErrors() throws {
        let nanFolder = try folder(projection: .nan)
        let nan = try CLIPModel(folder: nanFolder.path, identityCache: nil)
        let e = try #require(modelError { _ = try nan.encodeTexts(["明月"]) })
        #expect(e.kind == .numerical && e.message.contains("text 0") && e.message.contains("NaN"), "\(e)")
        let pixels = [Float](repeating: 0.1, count: nan.config.vision.pixelsPerImage)
        let i = try #require(modelError { _ = try nan.encodeImages(pixelValues: pixels, count: 1) })
        #expect(i.kind == .numerical && i.message.contains("image 0"), "\(i)")
        // Unnormalised output is returned as it is (the caller asked for raw values).
        #expect(try nan.encodeTexts(["明月"], normalize: false).values.allSatisfy(\.isNaN))

        let zeroFolder = try folder(projection: 0)
        let zero = try CLIPModel(folder: zeroFolder.path, identityCache: nil)
        let z = try #require(modelError { _ = try zero.encodeTexts(["明月", "清风"]) })
        #expect(z.kind == .numerical && z.message.contains("is all zeros"), "\(z)")
    }

    @Test func crlfVocabularyReadsLikeLF() throws {
        let lf = Fixtures.bytes("vocab.txt")
        let crlf = Array(String(decoding: lf, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let a = try BertTokenizer(vocabularyBytes: lf, source: "lf")
        let b = try BertTokenizer(vocabularyBytes: crlf, source: "crlf")
        #expect(a.vocabulary.tokens == b.vocabulary.tokens)
        #expect(b.padID == 0 && b.clsID == 101)
        for c in Fixtures.tokenizerCases { #expect(b.encode(c.text) == c.input_ids, "\(c.text)") }
        // A vocabulary without the special tokens says which one is missing.
        let e = try #require(modelError { _ = try BertTokenizer(vocabularyBytes: Array("a\nb\n".utf8), source: "v.txt") })
        #expect(e.message == "v.txt: vocabulary has no [PAD] token")
    }
}
