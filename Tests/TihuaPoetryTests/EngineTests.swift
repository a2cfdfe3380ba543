import Dispatch
import Foundation
import Synchronization
import Testing
import TihuaModels
import TihuaStore
import TihuaTestSupport
@testable import TihuaPoetry

/// An index built through the façade itself, once for the suite: 80 CCPC
/// poems (60 embedded, 20 imported after the embed), 120 keywords and the
/// three sample photos, with the tiny CLIP model.
final class EngineIndex: @unchecked Sendable {
    static let shared = try! EngineIndex()

    let folder = TemporaryFolder("tihua-engine")
    var path: String { folder.file("index") }
    let writer: TihuaEngine
    let clip: CLIPModel

    init() throws {
        let lines = try String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8).split(separator: "\n")
        let first = folder.write("ccpc_test_v1.0.json", Array(lines.prefix(60).joined(separator: "\n").utf8))
        let later = folder.write("later.json", Array(lines[60..<80].joined(separator: "\n").utf8))
        let keywords = try String(contentsOfFile: Samples.root + "/ccpc/keywords.txt", encoding: .utf8)
            .split(separator: "\n").prefix(120).joined(separator: "\n")
        let vocabulary = folder.write("keywords.txt", Array(keywords.utf8))

        writer = try TihuaEngine(.init(index: folder.file("index"), access: .create, model: Samples.clipFolder))
        _ = try writer.importPoems(PoemImportRequest(paths: [first]))
        _ = try writer.importKeywords(file: vocabulary)
        let embedded = try writer.embed()
        precondition(embedded.keywords == 120 && embedded.poems == 60)
        _ = try writer.addImages(paths: [Samples.root + "/images"])
        _ = try writer.importPoems(PoemImportRequest(paths: [later]))
        clip = try CLIPModel(folder: Samples.clipFolder)
    }

    func imageEmbedding(_ path: String) throws -> [Float] {
        try clip.encodeImage(file: path, input: try CLIPImageInput(modelFolder: Samples.clipFolder, model: clip))
    }
}

/// The kind (and remedy) of what `body` threw; nil if it threw nothing.
func failureKind(_ body: () throws -> Void) -> (kind: PoetryError.Kind, remedy: PoetryError.Remedy?)? {
    do {
        try body()
        return nil
    } catch let error as PoetryError {
        return (error.kind, error.remedy)
    } catch {
        Issue.record("not a PoetryError: \(type(of: error)) \(error)")
        return nil
    }
}

@Suite(.serialized) struct EngineTests {
    let sample = EngineIndex.shared
    var engine: TihuaEngine { sample.writer }

    @Test func queriesOfEveryFormMatchTheOperationsBelow() throws {
        let poetry = PoetryIndex(index: try engine.index())
        let image = Samples.images[2]
        let vector = try sample.imageEmbedding(image)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: image)))
        // A file, the same JPEG's bytes and its vector give the same answers.
        let expected = try poetry.poems(near: vector, model: sample.clip.identity, k: 5)
        for query in [Query.imageFile(image), .jpeg(bytes), .vector(vector)] {
            let found = try engine.poems(PoemsRequest(query: query, k: 5))
            #expect(found.results.map(\.id) == expected.map(\.id))
            for (f, e) in zip(found.results, expected) { #expect(abs(f.score - e.score) < 1e-5) }
        }
        let keywords = try engine.keywords(KeywordsRequest(query: .jpeg(bytes), k: 4, diversity: 0.5))
        #expect(keywords.keywords == (try poetry.keywords(near: vector, model: sample.clip.identity, k: 4, diversity: 0.5)))
        #expect(keywords.partial.isEmpty)

        let text = try engine.encode(.text("明月"))
        #expect(text.dim == 32 && text.model == sample.clip.identity)
        #expect(text.embedding == Array(try sample.clip.encodeTexts(["明月"]).row(0)))

        let images = try engine.images(ImagesRequest(query: .poem("ccpc_test_v1.0:3"), k: 3))
        #expect(images.results == (try poetry.images(forPoem: "ccpc_test_v1.0:3", k: 3)))
        #expect(Set(images.results.map(\.id)) == Set(Samples.images))
    }

    @Test func rawSearchAnswersEachQueryVector() throws {
        let rows = [try sample.imageEmbedding(Samples.images[0]), Array(try sample.clip.encodeTexts(["春风"]).row(0))]
        let found = try engine.search(SearchRequest(collection: "poems", vectors: try VectorBatch(rows: rows), k: 4))
        #expect(found.results.count == 2)
        let poetry = PoetryIndex(index: try engine.index())
        for (q, row) in rows.enumerated() {
            #expect(found.results[q].map(\.id) == (try poetry.poems(near: row, model: nil, k: 4)).map(\.id))
        }
        #expect(found.lines.map(\.query) == [0, 1])
    }

    /// An import after the embed leaves 20 poems without vectors: answers say so.
    @Test func answersSayWhenACollectionWasSearchedInPart() throws {
        let partial = [Coverage(collection: "poems", embedded: 60, count: 80)]
        #expect(try engine.poems(PoemsRequest(query: .text("明月"), k: 3)).partial == partial)
        #expect(try engine.keywords(KeywordsRequest(query: .text("明月"))).partial.isEmpty)
        let poem = try engine.generate(GenerateRequest(query: .text("明月"), seed: 1))
        #expect(poem.partial == partial)
        #expect(poem.keywords.count == GenerateRequest.defaultPrefixKeywords)
        let stats = try engine.stats().first { $0.collection == "poems" }
        #expect(stats?.count == 80 && stats?.embedded == 60)
    }

    @Test func errorsCarryKinds() throws {
        let text = Query.text("明月")
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: text, k: 0)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: text, k: EngineLimits.maxK + 1)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: text, method: .init(exact: true, nprobe: 2))) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: text, method: .init(nprobe: 2))) }?.kind == .notReady)  // no IVF
        #expect(failureKind { _ = try engine.keywords(KeywordsRequest(query: text, diversity: 2)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.generate(GenerateRequest(query: text, candidates: 1_000_000_000)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.generate(GenerateRequest(query: text, generator: .gpt2)) }?.kind == .notReady)
        #expect(failureKind { _ = try engine.images(ImagesRequest(query: .poem(""))) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.images(ImagesRequest(query: .poem(String(repeating: "长", count: 200)))) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.images(ImagesRequest(query: .poem("no-such-poem"))) }?.kind == .notFound)
        #expect(failureKind { _ = try engine.images(ImagesRequest(query: .poem("later:1"))) }?.kind == .notReady)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: .jpeg([0xFF, 0xD8, 0, 1]))) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: .vector([1, 0, 0]))) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: .imageFile(sample.folder.file("absent.jpg")))) }?.kind == .notFound)
        #expect(failureKind { _ = try engine.encode(.poem("ccpc_test_v1.0:1")) }?.kind == .badInput)
        let one = try VectorBatch(rows: [[Float](repeating: 1, count: 32)])
        #expect(failureKind { _ = try engine.search(SearchRequest(collection: "nope", vectors: one)) }?.kind == .notFound)
        #expect(failureKind { _ = try engine.search(SearchRequest(collection: "../x", vectors: one)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.delete(DeleteRequest(collection: "poems", ids: ["a", ""])) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.buildIVF(IVFBuildRequest(collection: "poems", lists: -1)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.embed(batchSize: 0) }?.kind == .badInput)
        #expect(failureKind { _ = try VectorBatch(rows: [[1, 2], [3]]) }?.kind == .badInput)

        // Another model's queries and embeddings are refused.
        let other = TemporaryFolder("tihua-other-model")
        for name in ["config.json", "model.safetensors", "vocab.txt", "preprocessor_config.json"] {
            try FileManager.default.copyItem(atPath: Samples.clipFolder + "/" + name, toPath: other.file(name))
        }
        let config = try String(contentsOfFile: other.file("config.json"), encoding: .utf8)
        // Another LayerNorm epsilon: another model (the identity follows what it computes).
        try config.replacingOccurrences(of: "\"layer_norm_eps\": 1e-12", with: "\"layer_norm_eps\": 1e-6")
            .write(toFile: other.file("config.json"), atomically: true, encoding: .utf8)
        // On a copy of the index: LMDB must not open one environment twice in a process.
        try FileManager.default.createDirectory(atPath: other.file("index"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: sample.path + "/data.mdb", toPath: other.file("index/data.mdb"))
        let foreign = try TihuaEngine(.init(index: other.file("index"), access: .readWrite, model: other.path))
        #expect(failureKind { _ = try foreign.keywords(KeywordsRequest(query: text)) }?.kind == .wrongModel)
        #expect(failureKind { _ = try foreign.embed() }?.kind == .wrongModel)
        // A raw vector has no model to check: it is searched as given.
        #expect(try foreign.poems(PoemsRequest(query: .vector(try sample.imageEmbedding(Samples.images[0])), k: 1)).results.count == 1)
    }

    @Test func indexesThatCannotServeSayWhy() throws {
        let dir = TemporaryFolder("tihua-engine-errors")
        #expect(failureKind { _ = try TihuaEngine(.init(index: dir.file("absent"))) }?.kind == .notFound)
        let file = dir.write("plain", Array("not a folder".utf8))
        for access in [TihuaEngine.IndexAccess.readOnly, .create] {
            #expect(throws: PoetryError(.badInput, "no index folder can be at \(file)/index: \(file) is a file, not a folder")) {
                _ = try TihuaEngine(.init(index: file + "/index", access: access))
            }
        }
        // Created, empty: queries say what is missing, writes need write access.
        // (One engine on an index at a time: LMDB must not open it twice in a process.)
        _ = try TihuaEngine(.init(index: dir.file("new"), access: .create))
        do {
            let reader = try TihuaEngine(.init(index: dir.file("new")))
            #expect(failureKind { _ = try reader.keywords(KeywordsRequest(query: .text("月"))) }.map { ($0.kind, $0.remedy) }
                        .map { $0 == .notReady && $1 == .chooseModel } == true)
            #expect(failureKind { _ = try reader.images(ImagesRequest(query: .vector([1, 0]))) }.map { ($0.kind, $0.remedy) }
                        .map { $0 == .notReady && $1 == .addImages } == true)
            #expect(failureKind { _ = try reader.importKeywords(file: dir.file("absent")) }?.kind == .readOnly)
            #expect(failureKind { _ = try reader.delete(DeleteRequest(collection: "poems", ids: ["x"])) }?.kind == .readOnly)
        }
        do {
            let writer = try TihuaEngine(.init(index: dir.file("new"), access: .readWrite, model: Samples.clipFolder))
            #expect(failureKind { _ = try writer.importKeywords(file: dir.file("absent")) }?.kind == .notFound)
            _ = try writer.importKeywords(file: dir.write("words.txt", Array("明月\n".utf8)))
            #expect(failureKind { _ = try writer.keywords(KeywordsRequest(query: .text("月"))) }.map { ($0.kind, $0.remedy) }
                        .map { $0 == .notReady && $1 == .embed } == true)
            #expect(failureKind { _ = try writer.delete(DeleteRequest(collection: "nope", ids: ["x"])) }?.kind == .notFound)
        }
        #expect(failureKind { _ = try TihuaEngine(.init()).encode(.text("月")) }?.kind == .badInput)
        #expect(failureKind { _ = try TihuaEngine(.init(model: dir.path)).encode(.text("月")) }?.kind == .notFound)
    }

    /// Texts and photos embedded together equal each embedded alone; what
    /// cannot be embedded fails alone; an embedding given to an operation
    /// is used as the query's.
    @Test func queriesEmbeddedTogetherEqualEachAlone() throws {
        let jpeg = Array(try Data(contentsOf: URL(fileURLWithPath: Samples.images[1])))
        let queries: [Query] = [.text("明月松间照"), .jpeg(jpeg), .vector([1, 0]), .imageFile(Samples.images[0]),
                                .jpeg(Array(jpeg.prefix(40))), .text("春"), .poem("ccpc_test_v1.0:1"), .jpeg(jpeg)]
        let batch = engine.embed(queries)
        #expect(batch.count == queries.count)
        for (query, result) in zip(queries, batch) {
            switch query {
            case .vector, .poem:
                #expect(failureKind { _ = try result.get() }?.kind == .badInput)
            case .jpeg(let bytes) where bytes.count == 40:
                #expect(failureKind { _ = try result.get() } != nil)
            default:
                let alone = try engine.encode(query)
                let together = try result.get()
                #expect(together.model == alone.model)
                #expect(together.vector.count == alone.embedding.count)
                for (a, b) in zip(together.vector, alone.embedding) { #expect(abs(a - b) < 1e-5) }
            }
        }
        // A traditional text is normalised as a query is: 魏徵 meets 魏征.
        let traditional = try engine.embed([.text("明月松間照")])[0].get()
        #expect(zip(traditional.vector, try batch[0].get().vector).allSatisfy { abs($0 - $1) < 1e-5 })
        // The given embedding stands for the query.
        let given = try batch[1].get()
        let expected = try engine.poems(PoemsRequest(query: .vector(given.vector), k: 4))
        #expect(try engine.poems(PoemsRequest(query: .jpeg(jpeg), k: 4), embedding: given).results.map(\.id)
                == expected.results.map(\.id))
    }

    /// Many threads at once on one engine: every answer equals the serial one.
    @Test func concurrentCallsGiveTheSerialAnswers() throws {
        let queries: [Query] = [.text("明月"), .text("春风"), .imageFile(Samples.images[0]), .poem("ccpc_test_v1.0:5")]
        let engine = self.engine
        let serialPoems = try queries.map { try engine.poems(PoemsRequest(query: $0, k: 5)) }
        let serialKeywords = try queries.map { try engine.keywords(KeywordsRequest(query: $0, k: 5)) }
        let serialStats = try engine.stats()
        let mismatches = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let q = i % queries.count
            do {
                let same = try engine.poems(PoemsRequest(query: queries[q], k: 5)) == serialPoems[q]
                    && engine.keywords(KeywordsRequest(query: queries[q], k: 5)) == serialKeywords[q]
                    && engine.stats() == serialStats
                if !same { mismatches.add(1, ordering: .relaxed) }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func aModelIsBuiltOnceForConcurrentCallers() throws {
        let builds = Atomic<Int>(0)
        let once = LoadOnce<Int> { () throws(PoetryError) in
            builds.add(1, ordering: .relaxed)
            return 42
        }
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if (try? once.get()) != 42 { wrong.add(1, ordering: .relaxed) }
        }
        #expect(builds.load(ordering: .relaxed) == 1 && wrong.load(ordering: .relaxed) == 0)
        // A failed build is not kept.
        let attempts = Atomic<Int>(0)
        let flaky = LoadOnce<Int> { () throws(PoetryError) in
            if attempts.add(1, ordering: .relaxed).newValue == 1 { throw PoetryError(.io, "first try fails") }
            return 7
        }
        #expect(throws: PoetryError(.io, "first try fails")) { try flaky.get() }
        #expect(try flaky.get() == 7)
    }

    @Test func poemRequestsTakePhrasesFiltersScriptsAndHybrid() throws {
        // A phrase or a filter alone: corpus order, no model needed.
        let phrase = try engine.poems(PoemsRequest(query: nil, k: 1000, contains: "明月"))
        #expect(!phrase.results.isEmpty && phrase.results.allSatisfy { $0.poem.normalizedLines.contains { $0.contains("明月") } })
        #expect(phrase.results.allSatisfy { !$0.matches.isEmpty && $0.score == 1 })
        let song = try engine.poems(PoemsRequest(query: nil, k: 1000, filter: PoemFilter(dynasties: ["宋"])))
        #expect(!song.results.isEmpty && song.results.allSatisfy { $0.dynasty == "Song" })
        #expect(try engine.poems(PoemsRequest(query: nil, filter: PoemFilter(author: "无此人"))).results.isEmpty)
        // A traditional text query is normalised as the poems were: it embeds as its simplified form.
        // (The first embedded poem whose s2t form differs and converts back to it.)
        let s2t = try ScriptConverter.shared(profile: "s2t"), t2s = try ScriptConverter.shared(profile: "t2s")
        var chosen: (poem: Poem, simplified: String, traditional: String)?
        for poem in try engine.poems(ids: (1...60).map { "ccpc_test_v1.0:\($0)" }).compactMap({ $0 }) {
            let simplified = poem.normalizedLines.joined(separator: "，") + "。"
            let traditional = try s2t.convert(simplified)
            if traditional != simplified, try t2s.convert(traditional) == simplified {
                chosen = (poem, simplified, traditional)
                break
            }
        }
        let (poem, simplified, traditional) = try #require(chosen)
        for text in [simplified, traditional] {
            let hit = try #require(try engine.poems(PoemsRequest(query: .text(text), k: 1, method: .init(exact: true))).results.first)
            #expect(hit.id == poem.id && abs(hit.score - 1) < 1e-5)
        }
        let shown = try #require(try engine.poems(PoemsRequest(query: .text(simplified), k: 1, script: .traditional)).results.first)
        let converted = try poem.lines.map(s2t.convert)
        #expect(shown.id == poem.id && shown.lines == converted)
        let hybrid = try engine.poems(PoemsRequest(query: .text("明月"), k: 3, hybrid: true))
        #expect(hybrid.results.count == 3 && hybrid.results.allSatisfy { $0.score <= 2 / 61 + 1e-6 })
        // Refused: hybrid without a text, nothing to look for, a phrase or filter too long.
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: .vector([1, 0]), hybrid: true)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: nil)) }?.kind == .badInput)
        #expect(failureKind { _ = try engine.poems(PoemsRequest(query: nil, contains: String(repeating: "月", count: 257))) }?.kind == .badInput)
        #expect(failureKind {
            _ = try engine.poems(PoemsRequest(query: nil, filter: PoemFilter(dynasties: Array(repeating: "Tang", count: 65))))
        }?.kind == .badInput)
        // JSON: the same fields, flat beside the query; a query is optional then.
        let decoded = try JSONDecoder().decode(PoemsRequest.self, from: Data(
            #"{"contains":"明月","dynasty":["Tang"],"author":"李白","form":"5x4","title_contains":"月","script":"simplified","k":5}"#.utf8))
        #expect(decoded == PoemsRequest(query: nil, k: 5, filter: PoemFilter(dynasties: ["Tang"], author: "李白", form: .fiveByFour,
                                                                             titleContains: "月"),
                                        contains: "明月", script: .simplified))
        #expect(try JSONDecoder().decode(PoemsRequest.self, from: try JSONEncoder().encode(decoded)) == decoded)
        let withText = PoemsRequest(query: .text("明月"), hybrid: true)
        #expect(try JSONDecoder().decode(PoemsRequest.self, from: try JSONEncoder().encode(withText)) == withText)
        for json in [#"{"form":"6x4","contains":"月"}"#, #"{"script":"latin","text":"月"}"#, #"{"k":3}"#] {
            #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(PoemsRequest.self, from: Data(json.utf8)) }
        }
        let generate = GenerateRequest(query: .text("山"), filter: PoemFilter(dynasties: ["Tang"], form: .sevenByFour))
        let round = try JSONDecoder().decode(GenerateRequest.self, from: try JSONEncoder().encode(generate))
        #expect(round == generate && round.filter.form == .sevenByFour && round.form == nil)
    }

    @Test func requestsDecodeFromJSONAndResultsEncodeAsTheCLIPrints() throws {
        let decoder = JSONDecoder()
        let keywords = try decoder.decode(KeywordsRequest.self, from: Data(#"{"text":"明月","k":3}"#.utf8))
        #expect(keywords == KeywordsRequest(query: .text("明月"), k: 3))
        let poems = try decoder.decode(PoemsRequest.self, from: Data(#"{"image":"/9j/AA==","nprobe":4}"#.utf8))
        #expect(poems == PoemsRequest(query: .jpeg([0xFF, 0xD8, 0xFF, 0x00]), method: .init(nprobe: 4)))
        let generate = try decoder.decode(GenerateRequest.self, from: Data(#"{"vector":[1,0],"generator":"gpt2","seed":5}"#.utf8))
        #expect(generate == GenerateRequest(query: .vector([1, 0]), generator: .gpt2, seed: 5))
        let search = try decoder.decode(SearchRequest.self, from: Data(#"{"collection":"c","vectors":[[1,2],[3,4]],"exact":true}"#.utf8))
        #expect(search.vectors.count == 2 && search.vectors.values == [1, 2, 3, 4] && search.method == .init(exact: true))
        // A client never names a file, and a request has exactly one query.
        for json in [#"{"image_file":"/etc/passwd"}"#, #"{"text":"a","poem":"b"}"#, #"{"k":3}"#, #"{"collection":"c","vectors":[[1],[2,3]]}"#] {
            #expect(throws: DecodingError.self) { _ = try decoder.decode(KeywordsRequest.self, from: Data(json.utf8)) }
        }
        #expect(throws: DecodingError.self) {
            _ = try decoder.decode(SearchRequest.self, from: Data(#"{"collection":"c","vectors":[[1],[2,3]]}"#.utf8))
        }
        let round = try decoder.decode(GenerateRequest.self, from: try JSONEncoder().encode(generate))
        #expect(round == generate)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encode = { (value: any Encodable) in String(decoding: try encoder.encode(value), as: UTF8.self) }
        #expect(try encode(KeywordsResult(keywords: [ScoredKeyword(keyword: "月", score: 0.5)]))
                == #"{"keywords":[{"keyword":"月","score":0.5}]}"#)
        #expect(try encode(ImagesResult(results: [], partial: [Coverage(collection: "images", embedded: 1, count: 2)]))
                == #"{"partial":[{"collection":"images","count":2,"embedded":1}],"results":[]}"#)
        #expect(try encode(GenerateResult(keywords: ["月"], poem: nil, candidates: 3, wellFormed: 0))
                == #"{"candidates":3,"keywords":["月"],"poem":null,"well_formed":0}"#)
        #expect(try encode(CollectionStats(collection: "c", count: 1, embedded: 0, dim: nil, ivf: nil, model: nil))
                == #"{"bytes_per_vector":0,"collection":"c","count":1,"dim":null,"dtype":"float32","embedded":0,"ivf":null,"model":null}"#)
        #expect(try encode(SearchResults(results: [[IDScore(id: "a", score: 1)]]).lines[0]) == #"{"query":0,"results":[{"id":"a","score":1}]}"#)
        #expect(try encode(EncodeResult(embedding: [1, 0], model: "m")) == #"{"dim":2,"embedding":[1,0]}"#)
    }
}
