import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry
import TihuaStore

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

    enum GeneratorName: String, ExpressibleByArgument, CaseIterable { case cento, gpt2 }

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var query: QueryInput
    @Option(help: "cento or gpt2.") var generator: GeneratorName = .cento
    @Option(help: "The GPT-2 poem model folder (for --generator gpt2).") var lm: String?
    @Option(help: "Seed of the sampling: the same seed, the same poem.") var seed: UInt64 = 0
    @Option(help: "Candidates to generate before the rerank.") var candidates = 16
    @Option(help: "Keywords in the prefix.") var keywords = 8
    @Option(help: ArgumentHelp("Keyword diversity λ (see tihua keywords --help).", valueName: "λ")) var diversity: Float?
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if generator == .gpt2 && lm == nil { throw ValidationError("--generator gpt2 needs --lm DIR") }
        if candidates < 1 || keywords < 1 { throw ValidationError("--candidates and --keywords must be at least 1") }
    }

    struct Output: Encodable {
        struct Poem: Encodable { let lines: [GeneratedLine]; let score: Float? }
        let keywords: [String]
        let poem: Poem?
        let candidates: Int
        let wellFormed: Int

        enum CodingKeys: String, CodingKey { case keywords, poem, candidates, wellFormed = "well_formed" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(keywords, forKey: .keywords)
            try c.encode(poem, forKey: .poem)  // null when no candidate was well-formed
            try c.encode(candidates, forKey: .candidates)
            try c.encode(wellFormed, forKey: .wellFormed)
        }
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let (clip, folder) = try ModelBinding.openModel(modelOption.model, index: index)
        let chosen: PoemWriter.Generator = generator == .gpt2 ? .gpt2(try GPT2Model(folder: lm!)) : .cento
        var writer = PoemWriter(poetry: PoetryIndex(index: index), clip: clip)
        writer.candidateCount = candidates
        writer.keywordCount = keywords
        writer.diversity = diversity
        let result = try writer.write(for: try query.embedding(clip, folder: folder), generator: chosen, seed: seed)
        if output.json {
            return try printJSONLine(Output(keywords: result.keywords.map(\.keyword),
                                            poem: result.poem.map { .init(lines: $0.lines, score: $0.score) },
                                            candidates: result.candidates, wellFormed: result.wellFormed))
        }
        printLine("关键词：" + result.keywords.map(\.keyword).joined(separator: " "))
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
