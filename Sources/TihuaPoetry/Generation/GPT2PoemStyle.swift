import TihuaModels

/// How a GPT-2 poem is asked for and constrained (see `GPT2PoemGenerator`).
public struct GPT2PoemStyle: Sendable, Equatable {
    public var prompt: PromptStyle
    public var form: PoemForm
    public var noRepeat: Bool
    public var rhyme: Bool
    /// Keyword guidance (see `GPT2PoemGenerator.keywordBias`).
    public var keywordBias: Float

    public init(prompt: PromptStyle = .keywords, form: PoemForm = .quatrain, noRepeat: Bool = false, rhyme: Bool = false,
                keywordBias: Float = GPT2PoemGenerator.defaultKeywordBias) {
        self.prompt = prompt
        self.form = form
        self.noRepeat = noRepeat
        self.rhyme = rhyme
        self.keywordBias = keywordBias
    }

    /// A generator for `model` with this style.
    public func generator(model: GPT2Model, rhymes: RhymeTable = RhymeTable()) -> GPT2PoemGenerator {
        var g = GPT2PoemGenerator(model: model, rhymes: rhymes)
        (g.prompt, g.form, g.noRepeat, g.rhyme, g.keywordBias) = (prompt, form, noRepeat, rhyme, keywordBias)
        return g
    }
}
