import TihuaModels

/// How a GPT-2 poem model is prompted.
public enum PromptStyle: String, Sendable, CaseIterable, Codable {
    /// Image2Poem's training format `[CLS]关键词：k1 k2 [EOS]`, lines joined by `|`, ended by `[SEP]`.
    case keywords
    /// `uer/gpt2-chinese-poem`'s: `[CLS]`, the first keyword opens line 1, lines end with `，` and `。`.
    case opening
    /// 藏头诗: line i begins with the i-th character of the keywords (in the model's own layout).
    case acrostic
}

/// The token ids of the prompts.
public enum PoemPrompt {
    public static let keywordLabel = "关键词："

    /// `[CLS] 关键词：k1 k2 … [EOS]`. The keywords go through the BERT
    /// tokenizer, which drops the spaces between them (as it did when
    /// Image2Poem's and Tihua's models were trained). `[EOS]` is a token of
    /// those models' vocabularies; a vocabulary without it (the BERT one of
    /// `uer/gpt2-chinese-poem`) closes the keywords with `[SEP]` instead:
    /// the literal text "[EOS]" would become the pieces `[`, `eos`, `]`.
    public static func keywordIDs(_ keywords: [String], tokenizer: BertTokenizer) -> [Int] {
        let close = tokenizer.vocabulary.id(endOfKeywords) ?? tokenizer.sepID
        return [tokenizer.clsID] + tokenizer.tokenIDs(keywordLabel + keywords.joined(separator: " ")) + [close]
    }

    /// The token that closes the keyword list in the training layout.
    public static let endOfKeywords = "[EOS]"
    /// The line separator of the training layout.
    public static let lineSeparator = "|"
}
