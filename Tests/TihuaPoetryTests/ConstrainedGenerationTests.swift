import Foundation
import Testing
import TihuaCompute
import TihuaModels
@testable import TihuaPoetry

/// Constrained GPT-2 decoding on the tiny random model (BERT vocabulary,
/// as uer/gpt2-chinese-poem): every candidate has the requested form,
/// whatever the seed, form, prompt style and rules.
@Suite(.serialized) struct ConstrainedGenerationTests {
    static let model = try! GPT2Model(folder: Samples.gpt2Folder)
    /// The rhyme table of the bundled CCPC sample.
    static let rhymes: RhymeTable = {
        var table = RhymeTable()
        let poems = try! PoemImport(paths: [Samples.root + "/ccpc/ccpc_test_v1.0.json"]).readPoems().poems
        table.add(poems)
        return table
    }()
    static let vocabulary = PoemVocabulary(tokenizer: model.tokenizer, logits: model.config.vocabSize, rhymes: rhymes)

    static func generator(_ prompt: PromptStyle, _ form: PoemForm, noRepeat: Bool = false, rhyme: Bool = false) -> GPT2PoemGenerator {
        var g = GPT2PoemGenerator(model: model, vocabulary: vocabulary)
        (g.prompt, g.form, g.noRepeat, g.rhyme) = (prompt, form, noRepeat, rhyme)
        return g
    }

    static let forms: [PoemForm] = [.quatrain] + PoemForm.names.map { PoemForm($0)! }
    static let keywords = ["明月", "故乡", "瀑布", "春风"]

    @Test(arguments: PromptStyle.allCases)
    func everyCandidateHasTheForm(prompt: PromptStyle) throws {
        for form in Self.forms {
            let rules = form == .quatrain ? [(false, false), (true, false), (false, true), (true, true)] : [(false, false), (true, true)]
            for (noRepeat, rhyme) in rules {
                let g = Self.generator(prompt, form, noRepeat: noRepeat, rhyme: rhyme)
                let poems = try g.candidates(keywords: Self.keywords, count: 4, seed: UInt64(form.lines + (noRepeat ? 100 : 0) + (rhyme ? 7 : 0)))
                for poem in poems {
                    let what = "\(prompt) \(form) noRepeat \(noRepeat) rhyme \(rhyme): \(poem.lines.map(\.text))"
                    #expect(form.admits(poem), "\(what)")
                    let text = poem.lines.map(\.text).joined()
                    if noRepeat { #expect(Set(text).count == text.count, "\(what) repeats a character") }
                    if rhyme {
                        for i in stride(from: 3, to: poem.lines.count, by: 2) {
                            #expect(Self.rhymes.rhymes(poem.lines[1].text.last!, poem.lines[i].text.last!), "\(what): lines 2 and \(i + 1)")
                        }
                    }
                    switch prompt {
                    case .acrostic:
                        #expect(poem.lines.prefix(8).enumerated().allSatisfy { i, line in
                            i >= 8 || line.text.first == Array("明月故乡瀑布春风")[i]
                        }, "\(what)")
                    case .opening:
                        #expect(poem.lines[0].text.hasPrefix("明月"), "\(what)")
                    case .keywords:
                        break
                    }
                }
            }
        }
    }

    /// The tokens themselves: characters, a separator after each line and
    /// nowhere else, the stop after the last.
    @Test func tokensFollowTheLayout() throws {
        let vocabulary = Self.vocabulary
        for (prompt, layoutSeparators) in [(PromptStyle.keywords, ["|"]), (.opening, ["，", "。"])] {
            let g = Self.generator(prompt, PoemForm("7x8")!)
            let (ids, opening) = g.promptIDs(keywords: Self.keywords)
            let options = g.options(candidate: 0, seed: 3)
            let constraint = PoemConstraint(vocabulary: vocabulary, rules: g.rules(keywords: Self.keywords), prefix: opening)
            let out = try Self.model.generate(promptIDs: ids, options: options, constraint: constraint)
            #expect(out.stopReason == .stopToken(Self.model.tokenizer.sepID))
            let tokens = (opening + out.newIDs).map { Self.model.tokenizer.vocabulary.tokens[$0] }
            #expect(tokens.count == 8 * 8 - (prompt == .keywords ? 1 : 0))
            for (i, token) in tokens.enumerated() {
                if i % 8 == 7 {
                    let expected = prompt == .keywords ? "|" : (i / 8) % 2 == 0 ? "，" : "。"
                    #expect(token == expected && layoutSeparators.contains(token), "token \(i) is \(token)")
                } else {
                    #expect(token.unicodeScalars.count == 1 && GeneratedPoem.isCJK(token.unicodeScalars.first!), "token \(i) is \(token)")
                }
            }
        }
    }

    @Test func theSameSeedWritesTheSamePoemsAndBatchesEqualSingleRuns() throws {
        for prompt in PromptStyle.allCases {
            let g = Self.generator(prompt, .quatrain, noRepeat: true, rhyme: true)
            let a = try g.candidates(keywords: Self.keywords, count: 5, seed: 11)
            #expect(try g.candidates(keywords: Self.keywords, count: 5, seed: 11) == a)
            #expect(Set(a.map { $0.lines.map(\.text) }).count > 1)
            let (ids, opening) = g.promptIDs(keywords: Self.keywords)
            let single = try (0..<5).map { i in
                let c = PoemConstraint(vocabulary: Self.vocabulary, rules: g.rules(keywords: Self.keywords), prefix: opening)
                return g.poem(from: opening + (try Self.model.generate(promptIDs: ids, options: g.options(candidate: i, seed: 11), constraint: c)).newIDs)
            }
            #expect(single == a, "\(prompt)")
        }
    }

    /// A free line length is decided by the first line: a "model" that
    /// prefers the separator wherever it is allowed writes 5-character lines,
    /// one that never does writes 7; both ending with the stop.
    @Test func theFirstLineChoosesTheLength() {
        let vocabulary = Self.vocabulary, V = vocabulary.size
        for (prefersSeparator, length) in [(true, 5), (false, 7)] {
            var constraint = PoemConstraint(vocabulary: vocabulary, rules: .init(form: .quatrain, layout: .keywords))
            var random = SeededRandom(seed: 3)
            var picked: [Int] = []
            while picked.last != vocabulary.stop && picked.count < 64 {
                var logits = (0..<V).map { _ in Float(random.nextUnit()) }
                logits[vocabulary.bar!] = prefersSeparator ? 10 : -10
                let next = logits.withUnsafeMutableBufferPointer { l -> Int in
                    constraint.constrain(l)
                    return l.indices.max { l[$0] < l[$1] }!
                }
                constraint.accept(next)
                picked.append(next)
            }
            let g = Self.generator(.keywords, .quatrain)
            let poem = g.poem(from: picked)
            #expect(poem.lines.count == 4 && poem.lines.allSatisfy { $0.text.count == length }, "\(poem.lines.map(\.text))")
            #expect(picked.count == 4 * (length + 1) && constraint.isComplete && constraint.lineLength == length)
        }
    }

    @Test func keywordPromptIsTheTrainingLayout() throws {
        let bert = Self.model.tokenizer
        let ids = PoemPrompt.keywordIDs(["明月", "故乡"], tokenizer: bert)
        // BERT's vocabulary has no [EOS]: the keywords are closed by [SEP].
        #expect(ids == [bert.clsID] + bert.tokenIDs("关键词：明月故乡") + [bert.sepID])
        let own = try BertTokenizer(vocabulary: BertVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[EOS]", "|", "：",
                                                                         "关", "键", "词", "明", "月"]))
        #expect(PoemPrompt.keywordIDs(["明月", "月"], tokenizer: own) == [2, 8, 9, 10, 7, 11, 12, 12, 5])
        #expect(KeywordSelection.prompt(keywords: ["明月", "故乡", "瀑布"]) == "关键词：明月 故乡 瀑布 [EOS]")
    }

    @Test func formsParse() {
        #expect(PoemForm("7x8") == PoemForm(lineLength: 7, lines: 8))
        #expect(PoemForm("6x4") == nil && PoemForm("5x5") == nil && PoemForm("x") == nil && PoemForm("") == nil)
    }

    /// The writer with the sample index: keywords given, gpt2, every candidate well formed.
    @Test func writerKeepsEveryCandidate() throws {
        let sample = SampleIndex.shared
        var writer = PoemWriter(poetry: PoetryIndex(index: sample.index), clip: sample.clip)
        writer.style = GPT2PoemStyle(prompt: .keywords, form: PoemForm("5x8")!, noRepeat: true, rhyme: true)
        let result = try writer.write(keywords: ["明月", "故乡"], generator: .gpt2(Self.model), seed: 5)
        #expect(result.candidates == 16 && result.wellFormed == 16)
        #expect(result.keywords.map(\.keyword) == ["明月", "故乡"])
        let poem = try #require(result.poem)
        #expect(poem.lines.count == 8 && poem.lines.allSatisfy { $0.text.count == 5 })
        let cento = try writer.write(keywords: ["明月", "故乡"], generator: .cento, seed: 5)
        #expect(cento.poem?.isWellFormed() == true)
        #expect(throws: PoetryError.self) { try writer.write(keywords: [" "], generator: .cento, seed: 1) }
    }
}
