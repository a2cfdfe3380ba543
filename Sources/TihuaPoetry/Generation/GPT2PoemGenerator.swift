import TihuaModels

/// Writes candidate poems with a GPT-2 poem model, one seeded sample per
/// candidate, all candidates decoded in one batch, every one constrained to
/// the requested form (`PoemConstraint`), so every candidate is well formed.
///
/// Prompt styles (`PromptStyle`):
/// - keywords: `[CLS]关键词：k1 k2 [EOS]`, lines joined by `|` (the layout of
///   Tihua's trained generator and Image2Poem's models);
/// - opening: `[CLS]` and the first keyword's characters opening line 1,
///   lines ended by `，`/`。` (the layout of `uer/gpt2-chinese-poem`);
/// - acrostic: line i begins with the i-th character of the keywords, in
///   the model's own layout (keywords when its vocabulary has `[EOS]`).
public struct GPT2PoemGenerator {
    public let model: GPT2Model
    public let vocabulary: PoemVocabulary
    public var temperature: Float = 1.0
    public var topK = 8
    public var topP: Float = 0.95
    public var prompt: PromptStyle = .keywords
    public var form: PoemForm = .quatrain
    public var noRepeat = false
    /// Lines 2 and 4 (6, 8) rhyme by the rhyme table given at init (ignored when it is empty).
    public var rhyme = false
    /// The logit added to a keyword's first character while the keyword is
    /// not yet in the poem (twice that to its next one once begun); 0 leaves
    /// the keywords to the model alone. See `PoemConstraint`.
    public var keywordBias: Float = GPT2PoemGenerator.defaultKeywordBias
    public static let defaultKeywordBias: Float = 3

    /// `rhymes`: the corpus rhyme table (`RhymeTable.stored(in:)`) for `rhyme`.
    public init(model: GPT2Model, rhymes: RhymeTable = RhymeTable()) {
        self.model = model
        vocabulary = PoemVocabulary(tokenizer: model.tokenizer, logits: model.config.vocabSize, rhymes: rhymes)
    }

    /// Reuses a vocabulary built for the same model (it is the costly part).
    public init(model: GPT2Model, vocabulary: PoemVocabulary) {
        precondition(vocabulary.size == model.config.vocabSize)
        self.model = model
        self.vocabulary = vocabulary
    }

    /// The layout the prompt style writes in.
    var layout: PoemConstraint.Layout {
        switch prompt {
        case .keywords: return vocabulary.bar != nil ? .keywords : .punctuated
        case .opening: return .punctuated
        case .acrostic: return vocabulary.hasEndOfKeywords && vocabulary.bar != nil ? .keywords : .punctuated
        }
    }

    /// The prompt's ids and the characters already written in line 1.
    func promptIDs(keywords: [String]) -> (ids: [Int], opening: [Int]) {
        let tokenizer = model.tokenizer
        switch (prompt, layout) {
        case (.opening, _):
            let length = form.lineLength ?? 5
            let opening = Array(vocabulary.characterTokens(keywords.first ?? "").prefix(length - 1))
            return ([tokenizer.clsID] + opening, opening)
        case (_, .keywords):
            return (PoemPrompt.keywordIDs(keywords, tokenizer: tokenizer), [])
        case (_, .punctuated):
            return ([tokenizer.clsID], [])
        }
    }

    /// The constraint rules for `keywords`.
    func rules(keywords: [String]) -> PoemConstraint.Rules {
        var starts: [Int?] = []
        if prompt == .acrostic {
            let heads = vocabulary.characterTokens(keywords.joined())
            starts = (0..<form.lines).map { $0 < heads.count ? heads[$0] : nil }
        }
        // Keywords the vocabulary spells whole and a line can hold (none for acrostics: their lines are set).
        let guided: [[Int32]] = prompt == .acrostic ? [] : keywords.compactMap { word in
            let tokens = vocabulary.characterTokens(word)
            guard !tokens.isEmpty, tokens.count == word.unicodeScalars.count, tokens.count <= (form.lineLength ?? 7) else { return nil }
            return tokens.map(Int32.init)
        }
        return PoemConstraint.Rules(form: form, layout: layout, noRepeat: noRepeat, rhyme: rhyme, lineStarts: starts,
                                    keywords: guided, keywordBias: keywordBias)
    }

    /// `count` candidates decoded together in one batch (the prompt runs
    /// once, then one forward pass per step for all of them); candidate i is
    /// what a lone `generate` with `options(candidate: i, seed:)` and the
    /// same constraint writes.
    public func candidates(keywords: [String], count: Int, seed: UInt64) throws -> [GeneratedPoem] {
        let (ids, opening) = promptIDs(keywords: keywords)
        let rules = rules(keywords: keywords)
        let constraints: [(any TokenConstraint)?] = (0..<count).map { _ in
            PoemConstraint(vocabulary: vocabulary, rules: rules, prefix: opening)
        }
        let perCandidate = (0..<count).map { options(candidate: $0, seed: seed) }
        return try model.generate(promptIDs: ids, optionsPerSequence: perCandidate, constraints: constraints).map {
            poem(from: opening + $0.newIDs)
        }
    }

    /// Candidate i's sampling: seed + i; stops at [SEP]; room for the longest form.
    func options(candidate i: Int, seed: UInt64) -> GenerationOptions {
        GenerationOptions(
            strategy: .sample(temperature: temperature, topK: topK, topP: topP, seed: seed &+ UInt64(i)),
            maxNewTokens: form.lines * 8 + 2, stopTokens: [vocabulary.stop])
    }

    /// Lines from generated ids: characters accumulate, any other token ends a line.
    func poem(from ids: [Int]) -> GeneratedPoem {
        var lines: [String] = [], current = ""
        for id in ids {
            if id == vocabulary.stop { break }
            if id < vocabulary.characters.count, let c = vocabulary.characters[id] {
                current.unicodeScalars.append(c)
            } else if !current.isEmpty {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return GeneratedPoem(lines: lines.map { GeneratedLine(text: $0, source: nil) })
    }
}
