/// BertTokenizer over vocab.txt as transformers runs it for Chinese-CLIP and
/// for `uer/gpt2-chinese-poem`: special tokens written literally are kept
/// whole, the rest goes through the basic tokenizer and WordPiece.
public struct BertTokenizer: Sendable {
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// Chinese-CLIP's context length (tokens including [CLS] and [SEP]).
    public static let clipMaxLength = 52
    /// A word longer than this many scalars becomes [UNK].
    static let maxWordLength = 100

    public let vocabulary: BertVocabulary
    public let padID: Int, unknownID: Int, clsID: Int, sepID: Int, maskID: Int
    private let specialScalars: [(token: String, scalars: [Unicode.Scalar], id: Int)]

    public init(vocabulary: BertVocabulary) throws {
        func required(_ token: String) throws -> Int {
            guard let id = vocabulary.id(token) else {
                throw ModelError(.format, "vocabulary has no \(token) token")
            }
            return id
        }
        self.vocabulary = vocabulary
        padID = try required("[PAD]")
        unknownID = try required("[UNK]")
        clsID = try required("[CLS]")
        sepID = try required("[SEP]")
        maskID = try required("[MASK]")
        specialScalars = try Self.specialTokens.map { ($0, Array($0.unicodeScalars), try required($0)) }
    }

    /// Loads vocab.txt.
    public init(contentsOf path: String) throws {
        try self.init(vocabularyBytes: try readWholeFile(path), source: path)
    }

    /// vocab.txt's bytes; `source` names the file in errors.
    public init(vocabularyBytes bytes: [UInt8], source: String) throws {
        do {
            try self.init(vocabulary: BertVocabulary(bytes: bytes, source: source))
        } catch let error as ModelError where !error.message.hasPrefix(source) {
            throw ModelError(error.kind, "\(source): \(error.message)")
        }
    }

    /// The ids of `text` without [CLS]/[SEP] and without truncation.
    public func tokenIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        var buffer: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func flushText() {
            for word in BertBasicTokenizer.words(buffer) { wordPiece(word, into: &ids) }
            buffer.removeAll(keepingCapacity: true)
        }
        // Special tokens are split out of the raw text first, as transformers'
        // added-token trie does, so "[SEP]" is one token and not "[", "sep", "]".
        outer: while i < scalars.count {
            if scalars[i] == "[" {
                for special in specialScalars where scalars[i...].starts(with: special.scalars) {
                    flushText()
                    ids.append(special.id)
                    i += special.scalars.count
                    continue outer
                }
            }
            buffer.append(scalars[i])
            i += 1
        }
        flushText()
        return ids
    }

    /// The tokens of `text` (strings), without [CLS]/[SEP].
    public func tokenize(_ text: String) -> [String] {
        tokenIDs(text).map { vocabulary.tokens[$0] }
    }

    /// `[CLS] tokens [SEP]`, truncated so the whole is at most `maxLength`
    /// tokens (nil: no limit). Chinese-CLIP uses 52; a GPT-2 prompt is
    /// encoded with `addSeparator: false`.
    public func encode(_ text: String, maxLength: Int? = BertTokenizer.clipMaxLength, addSeparator: Bool = true) -> [Int] {
        var body = tokenIDs(text)
        let specials = addSeparator ? 2 : 1
        if let maxLength { body = Array(body.prefix(max(0, maxLength - specials))) }
        return [clsID] + body + (addSeparator ? [sepID] : [])
    }

    /// Greedy longest-match-first WordPiece; a word with no complete match,
    /// or longer than 100 scalars, is one [UNK].
    private func wordPiece(_ word: [Unicode.Scalar], into ids: inout [Int]) {
        guard word.count <= Self.maxWordLength else { ids.append(unknownID); return }
        let firstNew = ids.count
        var start = 0
        var key: [UInt8] = []
        while start < word.count {
            var end = word.count
            var found: Int?
            while end > start {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: [0x23, 0x23]) }  // "##"
                for s in word[start..<end] { key.append(contentsOf: UTF8.encode(s)!) }
                if let id = vocabulary.id(utf8: key) { found = id; break }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(firstNew...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
