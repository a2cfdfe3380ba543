import ArgumentParser
import TihuaBench

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput of a GPT-2 size against this machine's sgemm (CCPC sample batches).")

    @Option(help: "CCPC corpus file.") var corpus = "Samples/ccpc/ccpc_test_v1.0.json"
    @Option(help: "Keyword vocabulary.") var keywords = "Samples/ccpc/keywords.txt"
    @Option(parsing: .upToNextOption, help: "Sizes LAYERSxWIDTH (heads = width / 64).") var sizes: [String] = ["4x256", "6x256", "4x384", "6x384"]
    @Option(help: "Tokens in a batch.") var batchTokens = 4096
    @Option(help: "Steps timed per size.") var steps = 20
    @OptionGroup var output: OutputOptions

    func run() throws {
        for size in sizes {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, (1...48).contains(parts[0]), [64, 128, 192, 256, 320, 384, 448, 512, 768].contains(parts[1]) else {
                throw ValidationError("--sizes takes LAYERSxWIDTH with a width that is a multiple of 64 up to 768, e.g. 4x256")
            }
            let r = try TrainingBenchmark.run(corpus: corpus, keywords: keywords, layers: parts[0], width: parts[1], heads: parts[1] / 64,
                                              tokensPerBatch: max(128, batchTokens), steps: max(1, steps))
            if output.json { try printJSONLine(r); continue }
            printLine(String(format: "%d×%d (%d parameters, vocabulary %d): %.0f tokens/s, %.2f s/step, %.1f model GFLOP/s = %.0f%% of sgemm %.1f GFLOP/s",
                             r.layers, r.width, r.parameters, r.vocabulary, r.tokensPerSecond, r.secondsPerStep, r.modelGFLOPS,
                             100 * r.shareOfSGEMM, r.sgemmGFLOPS))
        }
    }
}
