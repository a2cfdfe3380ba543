import TihuaModels

/// Writes candidate poems with a GPT-2 trained as `uer/gpt2-chinese-poem`
/// on the prompt `关键词：k1 k2 … [EOS]` (the seed's training format), one
/// seeded sample per candidate, all candidates decoded in one batch.
public struct GPT2PoemGenerator {
    public let model: GPT2Model
    public var temperature: Float = 1.0
    public var topK = 8
    public var topP: Float = 0.95
    /// Four lines of up to seven characters and their punctuation, with room to spare.
    public var maxNewTokens = 48

    public init(model: GPT2Model) { self.model = model }

    /// Line breaks in generated text.
    static let separators: Set<Character> = ["，", "。", "！", "？", "；", "、", ",", ".", "!", "?", ";", "\n"]

    /// `count` candidates decoded together in one batch (the prompt runs
    /// once, then one forward pass per step for all of them); candidate i is
    /// what a lone `generate` with `options(candidate: i, seed:)` writes.
    public func candidates(keywords: [String], count: Int, seed: UInt64) throws -> [GeneratedPoem] {
        let promptIDs = model.promptIDs(KeywordSelection.prompt(keywords: keywords))
        let perCandidate = (0..<count).map { options(candidate: $0, seed: seed) }
        return try model.generate(promptIDs: promptIDs, optionsPerSequence: perCandidate).map {
            Self.poem(from: model.tokenizer.decode($0.newIDs, stopAtSeparator: true))
        }
    }

    /// Candidate i's sampling: seed + i; stops at [SEP]; never [PAD], [UNK], [CLS], [MASK].
    func options(candidate i: Int, seed: UInt64) -> GenerationOptions {
        let vocabulary = model.tokenizer.vocabulary
        let special = ["[PAD]", "[UNK]", "[CLS]", "[MASK]"].compactMap { vocabulary.id($0) }
        let stop = vocabulary.id("[SEP]").map { Set([$0]) } ?? []
        return GenerationOptions(
            strategy: .sample(temperature: temperature, topK: topK, topP: topP, seed: seed &+ UInt64(i)),
            maxNewTokens: maxNewTokens, stopTokens: stop, suppressedTokens: Set(special))
    }

    /// Splits generated text into lines; keeps the first four. Whatever the
    /// model wrote is kept as written: the reranker drops malformed poems.
    static func poem(from text: String) -> GeneratedPoem {
        // Decoded text may space its characters ("明 月 …"): spaces are not breaks.
        let lines = text.split(whereSeparator: { separators.contains($0) })
            .map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }.prefix(4)
        return GeneratedPoem(lines: lines.map { GeneratedLine(text: $0, source: nil) })
    }
}
