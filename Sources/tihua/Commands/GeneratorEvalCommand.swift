import ArgumentParser
import Foundation
import TihuaPoetry
import TihuaTraining

struct GeneratorEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Cross-entropy on held-out poems and keyword use of generated poems.",
        discussion: """
        Scores the poems of the corpora that the model's training held out (its training.json names the \
        split), in the training layout with their keywords (chinese-poetry poems get keywords found in \
        the poem, as in training): cross-entropy in nats per token over the lines, separators and the \
        end, and its perplexity. Then writes --poems-per-set constrained quatrains for each of the first \
        --keyword-sets held-out keyword sets and reports the share that contain one of the keywords.
        """)

    @Option(help: "The model folder (default: the shipped generator).") var lm = GeneratorCommand.shippedModel
    @Option(parsing: .upToNextOption, help: "Poem corpora (files or folders).") var corpus: [String] = ["Samples/ccpc/ccpc_test_v1.0.json"]
    @Flag(help: "Score every poem, not only the held-out ones.") var all = false
    @Option(help: "Keyword sets to generate for.") var keywordSets = 200
    @Option(help: "Poems per keyword set.") var poemsPerSet = 4
    @Option(help: "Seed of the first generated poem.") var seed: UInt64 = 1
    @Option(help: "Generated poems to show.") var samples = 10
    @Option(help: "Keyword guidance of the generator (0: the model alone).") var keywordBias = GPT2PoemGenerator.defaultKeywordBias
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...100_000).contains(keywordSets), (1...64).contains(poemsPerSet), (0...1000).contains(samples) else {
            throw ValidationError("--keyword-sets must be in 0…100000, --poems-per-set in 1…64, --samples in 0…1000")
        }
        try checkFlag("--keyword-bias", keywordBias, 0...EngineLimits.maxKeywordBias)
    }

    func run() throws {
        var options = GeneratorEvaluation.Options()
        (options.heldOutOnly, options.keywordSets, options.poemsPerSet, options.seed, options.samples) = (!all, keywordSets, poemsPerSet, seed, samples)
        options.keywordBias = keywordBias
        let report: GeneratorEvaluation.Report
        do { report = try GeneratorEvaluation.run(modelFolder: lm, corpora: corpus, options: options) } catch let error as TrainingError {
            throw CommandLineFailure(error.message)
        }
        if output.json { return try printJSONLine(report) }
        printLine(String(format: "%d held-out poems, %d tokens: cross-entropy %.4f nats/token, perplexity %.2f",
                         report.poems, report.tokens, report.crossEntropy, report.perplexity))
        printLine(String(format: "%d generated poems (keyword bias %g): %.1f%% contain a keyword, %.1f%% well formed",
                         report.generated, report.keywordBias, 100 * report.keywordUse, 100 * report.wellFormed))
        printLine(String(format: "16 candidates in one batch: %.3f s", report.sixteenCandidatesSeconds))
        for s in report.samples {
            printLine("")
            printLine("关键词：" + s.keywords.joined(separator: " "))
            for line in s.lines { printLine("  " + line) }
        }
    }
}
