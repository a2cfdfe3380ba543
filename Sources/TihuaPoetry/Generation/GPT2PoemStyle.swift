import TihuaModels

/// How a GPT-2 poem is asked for and constrained (see `GPT2PoemGenerator`).
public struct GPT2PoemStyle: Sendable, Equatable {
    public var prompt: PromptStyle
    public var form: PoemForm
    public var noRepeat: Bool
    public var rhyme: Bool

    public init(prompt: PromptStyle = .keywords, form: PoemForm = .quatrain, noRepeat: Bool = false, rhyme: Bool = false) {
        self.prompt = prompt
        self.form = form
        self.noRepeat = noRepeat
        self.rhyme = rhyme
    }

    /// A generator for `model` with this style.
    public func generator(model: GPT2Model, rhymes: RhymeTable = RhymeTable()) -> GPT2PoemGenerator {
        var g = GPT2PoemGenerator(model: model, rhymes: rhymes)
        (g.prompt, g.form, g.noRepeat, g.rhyme) = (prompt, form, noRepeat, rhyme)
        return g
    }
}
