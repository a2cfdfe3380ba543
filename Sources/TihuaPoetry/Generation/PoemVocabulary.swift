import TihuaModels

/// The token classes a `PoemConstraint` needs, computed once per model
/// vocabulary (and rhyme table), so that constraining a step costs one
/// vector add over the logits and a few writes:
/// - characters: tokens that are one CJK ideograph (no `##` pieces, no
///   [UNK], special tokens, digits, Latin or punctuation), as an additive
///   mask (0 kept, −∞ dropped);
/// - the separators of both layouts (`|`; `，` and `。`) and the stop ([SEP]);
/// - rhymes: for each character token, the character tokens it rhymes with
///   by the corpus rhyme table, and a mask of the characters that have any.
public final class PoemVocabulary: Sendable {
    /// Logits per step (the model's vocab_size, which may exceed vocab.txt).
    public let size: Int
    let characterMask: [Float]
    /// Characters with at least 4 (for quatrains) or 8 (for 8-line poems)
    /// rhyming characters, so that the later even lines, which must not
    /// repeat one, still find a rhyme; and with at least one.
    let rhymableMasks: (quatrain: [Float], octave: [Float], any: [Float])
    /// The character a token stands for (nil: not a character token).
    let characters: [Unicode.Scalar?]
    let characterIDs: [String: Int]
    package let bar: Int?
    package let comma: Int?
    package let period: Int?
    package let stop: Int
    let hasEndOfKeywords: Bool
    /// Character token → the other character tokens it rhymes with.
    let rhymes: [Int32: [Int32]]

    public init(tokenizer: BertTokenizer, logits: Int, rhymes table: RhymeTable = RhymeTable()) {
        size = logits
        let vocabulary = tokenizer.vocabulary
        var characters = [Unicode.Scalar?](repeating: nil, count: logits)
        var mask = [Float](repeating: -.infinity, count: logits)
        var ids: [String: Int] = [:]
        var byScalar: [Unicode.Scalar: Int32] = [:]
        for id in 0..<min(logits, vocabulary.count) {
            let token = vocabulary.tokens[id]
            let scalars = token.unicodeScalars
            guard scalars.count == 1, let s = scalars.first, GeneratedPoem.isCJK(s), byScalar[s] == nil else { continue }
            characters[id] = s
            mask[id] = 0
            ids[token] = id
            byScalar[s] = Int32(id)
        }
        self.characters = characters
        characterMask = mask
        characterIDs = ids
        func id(_ token: String) -> Int? { vocabulary.id(token).flatMap { $0 < logits ? $0 : nil } }
        bar = id(PoemPrompt.lineSeparator)
        comma = id("，")
        period = id("。")
        stop = tokenizer.sepID
        hasEndOfKeywords = id(PoemPrompt.endOfKeywords) != nil
        var rhymes: [Int32: [Int32]] = [:]
        for (pair, count) in table.pairs where count >= table.minimumSupport && pair.a != pair.b {
            guard let a = byScalar[pair.a], let b = byScalar[pair.b] else { continue }
            rhymes[a, default: []].append(b)
            rhymes[b, default: []].append(a)
        }
        for key in rhymes.keys { rhymes[key]!.sort() }
        self.rhymes = rhymes
        func partnersMask(_ partners: Int) -> [Float] {
            var m = [Float](repeating: -.infinity, count: logits)
            for (key, list) in rhymes where list.count >= partners { m[Int(key)] = 0 }
            return m
        }
        rhymableMasks = (partnersMask(4), partnersMask(8), partnersMask(1))
    }

    /// The character tokens of `text` that the vocabulary has, in order.
    public func characterTokens(_ text: String) -> [Int] {
        text.unicodeScalars.compactMap { characterIDs[String($0)] }
    }

    /// Whether rhymes can be enforced (the table gave pairs of known characters).
    public var knowsRhymes: Bool { !rhymes.isEmpty }
}
