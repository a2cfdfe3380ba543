extension BertTokenizer {
    /// Turns generated ids back into text for a poem: [CLS], [PAD], [MASK] and
    /// [UNK] are dropped; [SEP] ends the text when `stopAtSeparator`, else it
    /// is dropped too; `##` continuations are glued to the previous piece; CJK
    /// characters and punctuation are joined without spaces, and a space is
    /// kept only between two pieces of Latin letters or digits ("hello world").
    public func decode(_ ids: [Int], stopAtSeparator: Bool = true) -> String {
        var out = ""
        var previousIsWordLike = false
        for id in ids {
            if id == sepID {
                if stopAtSeparator { break }
                continue
            }
            if id == clsID || id == padID || id == maskID || id == unknownID { continue }
            guard let token = vocabulary.token(id) else { continue }
            if token.hasPrefix("##"), token.count > 2 {
                out += token.dropFirst(2)
            } else {
                if previousIsWordLike, let first = token.unicodeScalars.first, Self.isWordLike(first) {
                    out += " "
                }
                out += token
            }
            if let last = token.unicodeScalars.last { previousIsWordLike = Self.isWordLike(last) }
        }
        return out
    }

    /// Letters and digits outside the CJK blocks: the pieces that need a space between them.
    private static func isWordLike(_ s: Unicode.Scalar) -> Bool {
        guard !BertBasicTokenizer.isCJK(s.value) else { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }
}
