import ArgumentParser
import Foundation
import TihuaPoetry

extension GenerateRequest.Generator: ExpressibleByArgument {}
extension PromptStyle: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a poem for an image, a text or keywords: keyword prefix → candidates → CLIP rerank.",
        discussion: """
        cento (集句) composes lines of the indexed poems (lines 2 and 4 rhyme by the corpus's own \
        rhyme table) and needs no language model. gpt2 samples from a GPT-2 poem model (--lm, by \
        default the generator Tihua ships, trained on the bundled corpora), decoding under a \
        constraint so that every candidate has the --form: line separators only at line ends, only \
        Chinese characters in lines, the end after the last line; --no-repeat forbids repeated \
        characters, --rhyme makes lines 2 and 4 (6, 8) rhyme by the index's rhyme table. --prompt \
        keywords writes 关键词：k1 k2 [EOS] with lines joined by |; opening starts line 1 with the \
        first keyword, lines ended by ，/。 (uer/gpt2-chinese-poem); acrostic (藏头) starts line i with \
        the i-th character of the keywords. Candidates are ranked by CLIP similarity to the image, \
        the text, or the keywords' text.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: ArgumentHelp("A JPEG image to write for.", valueName: "file.jpg")) var image: String?
    @Option(help: "A text to write for.") var text: String?
    @Option(parsing: .upToNextOption, help: "Keywords to write for (instead of those found for an image or a text).")
    var keywords: [String] = []
    @Option(help: "cento or gpt2.") var generator: GenerateRequest.Generator = .cento
    @Option(help: "The GPT-2 poem model folder for --generator gpt2 (default: \(GeneratorCommand.shippedModel)).") var lm: String?
    @Option(help: "GPT-2 prompt style: keywords, opening or acrostic.") var prompt: PromptStyle = .keywords
    @Option(help: "GPT-2 poem form: 5x4, 7x4, 5x8 or 7x8 (default: four lines of 5 or 7, the first line decides).")
    var form: String?
    @Flag(help: "GPT-2: no character twice.") var noRepeat = false
    @Flag(help: "GPT-2: lines 2 and 4 (6, 8) rhyme by the index's rhyme table.") var rhyme = false
    @Option(parsing: .unconditional,
            help: "GPT-2: keyword guidance, the logit added to a keyword's first character until the keyword is in the poem (0: the model alone).")
    var keywordBias = GPT2PoemGenerator.defaultKeywordBias
    @Option(parsing: .unconditional,
            help: "Seed of the sampling: the same seed, the same poem (any 64-bit integer; -1 is 2^64 - 1).")
    var seed = Seed(0)
    @Option(parsing: .unconditional, help: "Candidates to generate before the rerank (at most \(EngineLimits.maxCandidates)).")
    var candidates = GenerateRequest.defaultCandidates
    @Option(parsing: .unconditional, help: "Keywords in the prefix found for an image or a text.")
    var prefixKeywords = GenerateRequest.defaultPrefixKeywords
    @Option(parsing: .unconditional, help: ArgumentHelp("Keyword diversity λ (see tihua keywords --help).", valueName: "λ"))
    var diversity: Float?
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if [image != nil, text != nil, !keywords.isEmpty].filter({ $0 }).count != 1 {
            throw ValidationError("Give exactly one of --image, --text and --keywords.")
        }
        if let form, PoemForm(form) == nil { throw ValidationError("--form must be one of \(PoemForm.names.joined(separator: ", "))") }
        if keywords.count > EngineLimits.maxPrefixKeywords { throw ValidationError("--keywords takes at most \(EngineLimits.maxPrefixKeywords) keywords") }
        try checkFlag("--candidates", candidates, 1...EngineLimits.maxCandidates)
        try checkFlag("--prefix-keywords", prefixKeywords, 1...EngineLimits.maxPrefixKeywords)
        try checkFlag("--diversity", diversity, 0...1)
        try checkFlag("--keyword-bias", keywordBias, 0...EngineLimits.maxKeywordBias)
    }

    func run() throws {
        let folder = generator == .gpt2 ? (lm ?? GeneratorCommand.shippedModel) : lm
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model, generator: folder)
        let query: Query = image.map(Query.imageFile) ?? .text(text ?? keywords.joined(separator: " "))
        let result = try engine.generate(GenerateRequest(
            query: query, generator: generator, seed: seed.value, candidates: candidates,
            prefixKeywords: prefixKeywords, diversity: diversity, keywords: keywords.isEmpty ? nil : keywords,
            prompt: prompt, form: form.flatMap(PoemForm.init), noRepeat: noRepeat, rhyme: rhyme, keywordBias: keywordBias))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        printLine("关键词：" + result.keywords.joined(separator: " "))
        guard let poem = result.poem else {
            throw CommandLineFailure("none of the \(result.candidates) candidates was a well-formed poem; try another --seed or more --candidates")
        }
        printLine("")
        for line in poem.lines {
            let source = line.source.map { "    ——\($0.author ?? "佚名")《\($0.title ?? "无题")》" } ?? ""
            printLine("  " + line.text + source)
        }
        printLine("")
        printLine(String(format: "CLIP score %.4f, best of %d well-formed of %d candidates", poem.score ?? 0,
                         result.wellFormed, result.candidates))
    }
}
