import ArgumentParser
import Foundation
import TihuaPoetry

extension GenerateRequest.Generator: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a quatrain for an image: keyword prefix → candidates → CLIP rerank.",
        discussion: """
        cento (集句) composes lines of the indexed poems (lines 2 and 4 rhyme by the corpus's own \
        rhyme table) and needs no language model; gpt2 samples from a GPT-2 poem model \
        (the layout of uer/gpt2-chinese-poem, a safetensors folder given by --lm) on the prompt \
        关键词：k1 k2 … [EOS]. Candidates with the wrong line count or unequal lines are dropped; \
        the rest are ranked by CLIP similarity to the image.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(help: "cento or gpt2.") var generator: GenerateRequest.Generator = .cento
    @Option(help: "The GPT-2 poem model folder (for --generator gpt2).") var lm: String?
    @Option(parsing: .unconditional,
            help: "Seed of the sampling: the same seed, the same poem (any 64-bit integer; -1 is 2^64 - 1).")
    var seed = Seed(0)
    @Option(parsing: .unconditional, help: "Candidates to generate before the rerank (at most \(EngineLimits.maxCandidates)).")
    var candidates = GenerateRequest.defaultCandidates
    @Option(parsing: .unconditional, help: "Keywords in the prefix.") var keywords = GenerateRequest.defaultPrefixKeywords
    @Option(parsing: .unconditional, help: ArgumentHelp("Keyword diversity λ (see tihua keywords --help).", valueName: "λ"))
    var diversity: Float?
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if generator == .gpt2 && lm == nil { throw ValidationError("--generator gpt2 needs --lm DIR") }
        try checkFlag("--candidates", candidates, 1...EngineLimits.maxCandidates)
        try checkFlag("--keywords", keywords, 1...EngineLimits.maxPrefixKeywords)
        try checkFlag("--diversity", diversity, 0...1)
    }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model, generator: lm)
        let result = try engine.generate(GenerateRequest(
            query: query.query, generator: generator, seed: seed.value, candidates: candidates,
            prefixKeywords: keywords, diversity: diversity))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        printLine("关键词：" + result.keywords.joined(separator: " "))
        guard let poem = result.poem else {
            throw CommandLineFailure("none of the \(result.candidates) candidates was a well-formed quatrain; try another --seed or more --candidates")
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
