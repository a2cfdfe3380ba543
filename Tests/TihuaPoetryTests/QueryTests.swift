import Foundation
import Testing
import TihuaModels
import TihuaStore
@testable import TihuaPoetry

@Suite(.serialized) struct QueryTests {
    let sample = SampleIndex.shared
    var poetry: PoetryIndex { PoetryIndex(index: sample.index) }

    @Test func everythingIsEmbeddedWithTheRecordedModel() throws {
        for name in [BuiltinCollection.keywords, BuiltinCollection.poems, BuiltinCollection.images] {
            let info = try #require(try sample.index.info(of: name))
            #expect(info.vectorCount == info.recordCount)
            #expect(info.model == sample.clip.identity)
        }
        #expect(try ModelBinding.recordedFolder(in: sample.index) == Samples.clipFolder)
    }

    /// Keyword prefix = brute-force top-k over the stored keyword vectors
    /// (scores within 1e-5).
    @Test func keywordsForAnImageEqualBruteForce() throws {
        let query = try sample.imageEmbedding(Samples.images[2])
        let found = try poetry.keywords(near: query, model: sample.clip.identity, k: 8)
        let expected = bruteForce(query, try sample.stored(BuiltinCollection.keywords), k: 8)
        #expect(found.map(\.keyword) == expected.map(\.id))
        for (f, e) in zip(found, expected) { #expect(abs(Double(f.score) - e.score) < 1e-5) }
    }

    @Test func poemsForAnImageAndATextEqualBruteForce() throws {
        for query in [try sample.imageEmbedding(Samples.images[0]), Array(try sample.clip.encodeTexts(["飞流直下三千尺"]).row(0))] {
            let found = try poetry.poems(near: query, model: sample.clip.identity, k: 10)
            let expected = bruteForce(query, try sample.stored(BuiltinCollection.poems), k: 10)
            #expect(found.map(\.id) == expected.map(\.id))
            for (f, e) in zip(found, expected) { #expect(abs(Double(f.score) - e.score) < 1e-5) }
            // Results carry the poem itself.
            let first = try #require(found.first)
            let poem = try #require(sample.poems.first { $0.id == first.id })
            #expect(first.lines == poem.lines && first.title == poem.title && first.author == poem.author)
        }
    }

    /// `images --poem` ranks the gallery by the poem's stored vector against
    /// image embeddings computed independently from the files.
    @Test func imagesForAPoemRankTheGallery() throws {
        let (vector, model) = try poetry.poemVector("ccpc_test_v1.0:7")
        #expect(model == sample.clip.identity)
        let gallery = try Samples.images.map { (id: $0, vector: try sample.imageEmbedding($0)) }
        let expected = bruteForce(vector, gallery, k: 3)
        let found = try poetry.images(forPoem: "ccpc_test_v1.0:7", k: 3)
        #expect(found.map(\.id) == expected.map(\.id))
        for (f, e) in zip(found, expected) { #expect(abs(Double(f.score) - e.score) < 1e-5) }
        #expect(throws: PoetryError.self) { try poetry.images(forPoem: "no-such-poem", k: 3) }
    }

    @Test func aQueryFromAnotherModelIsRefused() throws {
        // The same weights with another LayerNorm epsilon: another model, another identity
        // (the identity follows what the model computes, not config.json's bytes).
        let other = NSTemporaryDirectory() + "tihua-other-model-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: Samples.clipFolder, toPath: other)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let config = try String(contentsOfFile: other + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"layer_norm_eps\": 1e-12", with: "\"layer_norm_eps\": 1e-6")
            .write(toFile: other + "/config.json", atomically: true, encoding: .utf8)
        let clip = try CLIPModel(folder: other)
        #expect(clip.identity != sample.clip.identity)
        let query = Array(try clip.encodeTexts(["明月"]).row(0))
        #expect {
            _ = try poetry.keywords(near: query, model: clip.identity, k: 3)
        } throws: { error in
            (error as? PoetryError)?.message == "collection 'keywords' was embedded with model \(sample.clip.identity), not with \(clip.identity) (the given model); use that model, or re-import into a new index"
        }
        #expect(throws: PoetryError.self) {
            _ = try EmbedJob(index: sample.index, model: clip, modelFolder: other).run()
        }
    }

    @Test func diversityTradesRelevanceForVariety() throws {
        let query = try sample.imageEmbedding(Samples.images[1])
        let plain = try poetry.keywords(near: query, model: sample.clip.identity, k: 6)
        let same = try poetry.keywords(near: query, model: sample.clip.identity, k: 6, diversity: 1)
        #expect(plain == same)
        let varied = try poetry.keywords(near: query, model: sample.clip.identity, k: 6, diversity: 0.3)
        #expect(varied.first == plain.first)
        #expect(varied.count == 6 && Set(varied.map(\.keyword)).count == 6)
    }
}
