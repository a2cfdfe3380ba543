import ArgumentParser
import Foundation
import TihuaTraining

struct TrainGeneratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generator",
        abstract: "Train the keyword → poem GPT-2 from poem corpora (resumable).",
        discussion: """
        Keeps the regular poems of the corpora (4 or 8 lines of 5 or 7 characters; chinese-poetry is \
        converted to simplified with OpenCC and given keywords of the vocabulary found in the poem), \
        splits them by a seeded hash into training and validation, builds a character vocabulary, and \
        trains a GPT-2 on `[CLS]关键词：k1 k2 [EOS]line|line|…[SEP]` with AdamW (warmup, cosine decay, \
        clipping). Every --checkpoint-every steps the state is saved atomically in OUTPUT: running the \
        same command again resumes from there. OUTPUT/loss.csv and loss.png follow the validation \
        loss; OUTPUT/model is the finished model folder (float16) for `generate --lm`.
        """)

    @Option(help: "The training folder (checkpoints, logs, data, and model/ at the end).") var output = "Training/generator"
    @Option(parsing: .upToNextOption, help: "Poem corpora (CCPC first, to keep its keywords): files or folders.")
    var corpus: [String] = ["Samples/ccpc/ccpc_test_v1.0.json", "Samples/chinese-poetry"]
    @Option(help: "The keyword vocabulary searched in poems without keywords.") var keywords = "Samples/ccpc/keywords.txt"
    @Option(help: "Transformer layers.") var layers = 4
    @Option(help: "Width (n_embd).") var width = 256
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "Context length (n_positions).") var positions = 96
    @Option(help: "Optimizer steps.") var steps = 3000
    @Option(help: "Tokens in a batch (padding included).") var batchTokens = 4096
    @Option(help: "Peak learning rate.") var learningRate = 2e-3
    @Option(help: "Final learning rate of the cosine decay.") var minimumLearningRate = 2e-4
    @Option(help: "Warmup steps.") var warmup = 200
    @Option(help: "AdamW weight decay (matrices and embeddings).") var weightDecay = 0.1
    @Option(help: "Gradient clipping norm.") var clip = 1.0
    @Option(help: "Seed of the initialisation, the split and the data order.") var seed: UInt64 = 1
    @Option(help: "Share of the poems held out for validation.") var validationFraction = 0.02
    @Option(help: "Characters seen fewer times become [UNK].") var minimumCount = 3
    @Option(help: "Validate every N steps.") var validateEvery = 100
    @Option(help: "Checkpoint every N steps.") var checkpointEvery = 100
    @Option(help: "Validation poems scored each time.") var validationPoems = 2000

    func validate() throws {
        for (name, value) in [("--layers", layers), ("--width", width), ("--heads", heads), ("--positions", positions),
                              ("--steps", steps), ("--batch-tokens", batchTokens), ("--validate-every", validateEvery),
                              ("--checkpoint-every", checkpointEvery), ("--validation-poems", validationPoems), ("--minimum-count", minimumCount)] {
            guard value >= 1 && value <= 1 << 24 else { throw ValidationError("\(name) must be between 1 and \(1 << 24)") }
        }
        guard width % heads == 0 else { throw ValidationError("--width must be divisible by --heads") }
        guard positions >= 40 && positions <= 1024 else { throw ValidationError("--positions must be between 40 and 1024") }
        guard batchTokens >= positions else { throw ValidationError("--batch-tokens must be at least --positions") }
        guard warmup >= 0, learningRate > 0, learningRate < 1, minimumLearningRate >= 0, minimumLearningRate <= learningRate,
              weightDecay >= 0, weightDecay < 1, clip > 0 else {
            throw ValidationError("learning rates must satisfy 0 ≤ --minimum-learning-rate ≤ --learning-rate < 1; --weight-decay in [0, 1); --clip > 0; --warmup ≥ 0")
        }
        guard validationFraction > 0 && validationFraction < 0.5 else { throw ValidationError("--validation-fraction must be in (0, 0.5)") }
    }

    func run() throws {
        var s = TrainingSettings()
        (s.layers, s.width, s.heads, s.positions, s.steps, s.tokensPerBatch) = (layers, width, heads, positions, steps, batchTokens)
        (s.learningRate, s.minimumLearningRate, s.warmupSteps, s.clipNorm, s.seed) = (learningRate, minimumLearningRate, warmup, clip, seed)
        s.optimizer.weightDecay = weightDecay
        (s.validationFraction, s.minimumCount, s.validateEvery, s.checkpointEvery, s.validationPoems) =
            (validationFraction, minimumCount, validateEvery, checkpointEvery, validationPoems)
        s.corpora = corpus
        s.keywords = keywords
        let trainer = GeneratorTrainer(folder: output, settings: s)
        let terminal = isatty(STDERR_FILENO) != 0
        var lastLine = Date.distantPast
        do {
            try trainer.run(log: { printNote($0) }) { p in
                var text = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f tokens/s  ETA %@", p.step, p.totalSteps, p.loss,
                                  p.learningRate, p.tokensPerSecond, ProgressBar.format(seconds: p.secondsLeft))
                if let v = p.validationLoss { text += String(format: "  validation %.4f", v) }
                if terminal {
                    let width = 24, filled = width * p.step / max(1, p.totalSteps)
                    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    FileHandle.standardError.write(Data("\r\(bar) \(text)\u{1B}[K".utf8))
                    if p.validationLoss != nil || p.step == p.totalSteps { FileHandle.standardError.write(Data("\n".utf8)) }
                } else if p.validationLoss != nil || Date().timeIntervalSince(lastLine) >= 30 || p.step == p.totalSteps {
                    lastLine = Date()
                    printNote(text)
                }
            }
        } catch let error as TrainingError {
            throw CommandLineFailure(error.message)
        }
        printLine("model: \(trainer.modelFolder)")
    }
}
