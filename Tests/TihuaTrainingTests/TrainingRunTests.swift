import Foundation
import Testing
import TihuaModels
import TihuaTestSupport
@testable import TihuaTraining

/// The data pipeline, the run loop (resume after a kill), the model folder
/// and the PNG writer, on a small corpus.
@Suite(.serialized) struct TrainingRunTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples").standardized.path

    /// 120 CCPC poems and a chinese-poetry file with a regular traditional
    /// poem, an irregular one and a copy of a CCPC poem.
    static func makeCorpus(in folder: String) throws -> [String] {
        let ccpc = try String(contentsOfFile: samples + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
            .split(separator: "\n").prefix(120).joined(separator: "\n")
        try ccpc.write(toFile: folder + "/ccpc.json", atomically: true, encoding: .utf8)
        let first = try #require(ccpc.split(separator: "\n").first)
        let content = try #require((try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["content"] as? String)
        let copy = content.split(separator: "|").map(String.init)
        let poetry = """
            [{"author":"李白","paragraphs":["牀前明月光，疑是地上霜。","舉頭望明月，低頭思故鄉。"],"title":"靜夜思","id":"a"},
             {"author":"某","paragraphs":["一二三，四五六。"],"title":"短","id":"b"},
             {"author":"某","paragraphs":["\(copy[0])，\(copy[1])。","\(copy[2])，\(copy[3])。"],"title":"重","id":"c"}]
            """
        try poetry.write(toFile: folder + "/poet.tang.0.json", atomically: true, encoding: .utf8)
        return [folder + "/ccpc.json", folder + "/poet.tang.0.json"]
    }

    static func settings(_ corpora: [String]) -> TrainingSettings {
        var s = TrainingSettings()
        (s.layers, s.width, s.heads, s.positions) = (2, 32, 2, 96)
        (s.steps, s.tokensPerBatch, s.warmupSteps, s.learningRate, s.minimumLearningRate) = (6, 800, 2, 1e-2, 1e-3)
        (s.validateEvery, s.checkpointEvery, s.validationFraction, s.minimumCount, s.validationPoems) = (2, 3, 0.1, 1, 50)
        s.corpora = corpora
        s.keywords = samples + "/ccpc/keywords.txt"
        return s
    }

    @Test func corpusIsSimplifiedDeduplicatedKeywordedAndSplitBySeed() throws {
        let folder = TemporaryFolder()
        let corpora = try Self.makeCorpus(in: folder.path)
        let matcher = try KeywordMatcher(contentsOf: Self.samples + "/ccpc/keywords.txt")
        let corpus = try TrainingCorpus.load(paths: corpora, keywords: matcher, seed: 1, validationFraction: 0.1)
        #expect(corpus.read == 123 && corpus.duplicates == 1)
        let all = corpus.training + corpus.validation
        #expect(all.count == 120 + 1)
        let jingyesi = try #require(all.first { $0.id == "a" })
        #expect(jingyesi.lines == ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"])
        #expect(!jingyesi.keywords.isEmpty && jingyesi.keywords.count <= 4)
        #expect(jingyesi.keywords.allSatisfy { k in jingyesi.lines.contains { $0.contains(k) } })
        #expect(jingyesi.layout.hasPrefix("[CLS]关键词：") && jingyesi.layout.hasSuffix("低头思故乡[SEP]"))
        // The split is a function of the text and the seed.
        for poem in all {
            #expect(corpus.validation.contains(poem) == TrainingCorpus.isValidation(poem.text, seed: 1, fraction: 0.1))
        }
        #expect(!corpus.validation.isEmpty && corpus.validation.count < 30)
        let vocabulary = TrainingCorpus.vocabulary(of: corpus.training, minimumCount: 2)
        #expect(Array(vocabulary.prefix(6)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[EOS]"])
        #expect(vocabulary.contains("|") && vocabulary.contains("：") && Set(vocabulary).count == vocabulary.count)
    }

    @Test func keywordsComeInPoemOrderWithoutOverlaps() {
        let matcher = KeywordMatcher(words: ["明月", "月光", "明", "故乡", "霜", "头", "低头", "地上"])
        #expect(matcher.keywords(in: ["床前明月光", "疑是地上霜"]) == ["明月", "地上", "霜"])
        // More than four: four spread over them, first and last kept.
        #expect(matcher.keywords(in: ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"]) == ["明月", "霜", "头", "故乡"])
    }

    @Test func encodedPoemsPredictTheLinesAndTheEnd() throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[EOS]", "|", "：", "关", "键", "词", "明", "月", "光", "前"]
        let tokenizer = try BertTokenizer(vocabulary: BertVocabulary(tokens: vocabulary))
        let e = EncodedPoem(TrainingPoem(id: "x", lines: ["明月光", "前明月"], keywords: ["明月"]), tokenizer: tokenizer)
        #expect(e.ids == [2, 8, 9, 10, 7, 11, 12, 5, 11, 12, 13, 6, 14, 11, 12, 3])
        #expect(e.poemStart == 8 && e.predicted == 8)
        let batch = [e].batch([0], pad: 0)
        #expect(batch.targets.prefix(7).allSatisfy { $0 == -1 } && batch.targets[7] == 11 && batch.targets[14] == 3 && batch.targets[15] == -1)
    }

    /// A run stopped between checkpoints (as by kill -9) and run again ends
    /// with exactly the weights and losses of an uninterrupted run.
    @Test func anInterruptedRunResumesToTheSameModel() throws {
        let folder = TemporaryFolder()
        let corpora = try Self.makeCorpus(in: folder.path)
        let settings = Self.settings(corpora)
        let straight = GeneratorTrainer(folder: folder.path + "/a", settings: settings)
        var steps: [Int] = []
        try straight.run(log: { _ in }) { steps.append($0.step) }
        #expect(steps == Array(1...6))

        let first = GeneratorTrainer(folder: folder.path + "/b", settings: settings)
        first.stopAfterStep = 5   // checkpoint at 3; steps 4 and 5 are lost
        try first.run(log: { _ in }) { _ in }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/b/model/model.safetensors"))
        let second = GeneratorTrainer(folder: folder.path + "/b", settings: settings)
        steps = []
        try second.run(log: { _ in }) { steps.append($0.step) }
        #expect(steps == [4, 5, 6])

        // The same weights and optimizer state: bit for bit when OpenBLAS runs alone. Other
        // suites calling OpenBLAS at the same time can change the last bits of a product, and
        // Adam turns the pure rounding noise of the key biases' gradients (zero in theory)
        // into ±lr steps; so: (almost) every value within 1e-4, none off by more than a few steps of lr.
        let a = try SafeTensors(contentsOf: folder.path + "/a/checkpoint.safetensors")
        let b = try SafeTensors(contentsOf: folder.path + "/b/checkpoint.safetensors")
        #expect(a.metadata == b.metadata)
        for name in ["parameters", "adam.m", "adam.v"] {
            let x = try a.floats(name), y = try b.floats(name)
            let close = zip(x, y).filter { abs($0 - $1) <= 1e-4 + 1e-4 * abs($0) }.count
            #expect(x.count == y.count && close >= x.count * 99 / 100, "\(name): \(x.count - close) values differ")
            if name == "parameters" { #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 0.1 }, "\(name)") }
        }
        func losses(_ run: String) throws -> [[Double]] {
            try String(contentsOfFile: folder.path + "/\(run)/loss.csv", encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(3).map { Double($0) ?? -1 } }
        }
        let (la, lb) = (try losses("a"), try losses("b"))
        #expect(la.count == 6 && lb.count == 6)
        #expect(zip(la, lb).allSatisfy { r in zip(r.0, r.1).allSatisfy { abs($0 - $1) <= 1e-3 } }, "\(la) vs \(lb)")

        // The folder is a model the inference code reads, float16, with the training vocabulary.
        let model = try GPT2Model(folder: folder.path + "/a/model")
        #expect(model.config.layers == 2 && model.config.hiddenSize == 32 && model.config.positions == 96)
        #expect(model.tokenizer.vocabulary.id("[EOS]") == 5)
        let weights = try SafeTensors(contentsOf: folder.path + "/a/model/model.safetensors")
        #expect(weights.tensors.values.allSatisfy { $0.dtype == .f16 })
        let png = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/a/loss.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))

        // Other settings in the same folder are refused, not mixed.
        var other = settings
        other.width = 64
        #expect(throws: TrainingError.self) { try GeneratorTrainer(folder: folder.path + "/a", settings: other).run(log: { _ in }) { _ in } }
    }
}
