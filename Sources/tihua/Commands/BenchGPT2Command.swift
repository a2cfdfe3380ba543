import TihuaBench
import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry

struct BenchGPT2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpt2",
        abstract: "GPT-2 generation speed at the size of uer/gpt2-chinese-poem (random weights).")

    @Option(parsing: .unconditional, help: "New tokens to time.") var tokens = 64
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--tokens", tokens, 1...1024) }

    func run() throws {
        let report = try GPT2Benchmark.run(newTokens: tokens)
        if output.json { return try printJSONLine(report) }
        printLine("GPT-2 \(report.layers) layers × \(report.hiddenSize), vocabulary 21128")
        printLine(String(format: "prompt of %d tokens: %.1f ms", report.promptTokens, report.promptMilliseconds))
        printLine(String(format: "decoding: %.1f tokens/s (%d tokens, KV cache)", report.tokensPerSecond, report.newTokens))
        let tokens = Double(report.candidateTokens)
        printLine(String(format: "16 sampled candidates of ≤ 48 tokens, one after another: %.1f s (%.1f tokens/s)",
                         report.sixteenCandidatesSeconds, tokens / report.sixteenCandidatesSeconds))
        printLine(String(format: "… decoded together in one batch: %.1f s (%.1f tokens/s), %d of 16 identical to the sequential ones",
                         report.sixteenCandidatesBatchedSeconds, tokens / report.sixteenCandidatesBatchedSeconds,
                         report.batchedCandidatesIdentical))
        let batchCost = 1 - report.constrainedBatchTokensPerSecond / report.freeBatchTokensPerSecond
        let singleCost = 1 - report.constrainedSingleTokensPerSecond / report.freeSingleTokensPerSecond
        printLine(String(format: "constrained to 7×8 poems, 16 in a batch: %.1f tokens/s vs %.1f free (cost %.1f%%), %d of 16 well formed",
                         report.constrainedBatchTokensPerSecond, report.freeBatchTokensPerSecond, 100 * batchCost, report.constrainedWellFormed))
        printLine(String(format: "constrained, one sequence: %.1f tokens/s vs %.1f free (cost %.1f%%)",
                         report.constrainedSingleTokensPerSecond, report.freeSingleTokensPerSecond, 100 * singleCost))
    }
}
