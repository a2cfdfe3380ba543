import Foundation
import TihuaCompute
import TihuaModels
import TihuaPoetry

/// What a training run does; written to `training.json` in its folder, so a
/// re-run with the same settings resumes and one with others is refused.
public struct TrainingSettings: Codable, Sendable, Equatable {
    public var layers = 4
    public var width = 256
    public var heads = 4
    public var positions = 96
    public var steps = 3000
    /// Tokens (padding included) in one batch.
    public var tokensPerBatch = 4096
    public var learningRate = 2e-3
    public var minimumLearningRate = 2e-4
    public var warmupSteps = 200
    public var optimizer = AdamW.Settings()
    public var clipNorm = 1.0
    public var seed: UInt64 = 1
    public var validationFraction = 0.02
    /// Characters rarer than this become [UNK].
    public var minimumCount = 3
    public var validateEvery = 100
    public var checkpointEvery = 100
    /// Validation poems scored each time (the first ones of the split).
    public var validationPoems = 2000
    public var corpora: [String] = []
    public var keywords = ""

    public init() {}

    public var config: GPT2Config {
        GPT2Config(vocabSize: 0, positions: positions, hiddenSize: width, layers: layers, heads: heads)
    }
}

/// One line of progress.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var learningRate: Double
    /// Real (non-padding) tokens a second over the steps of this run.
    public var tokensPerSecond: Double
    public var secondsLeft: Double
    /// Set on the steps that ran a validation.
    public var validationLoss: Double?
}

/// `tihua train generator`: prepares the data in its folder, trains with
/// AdamW (warmup + cosine, clipping), validates and checkpoints every N
/// steps (atomically: a killed run loses at most one interval and resumes
/// from the last checkpoint with the same data order), then writes the
/// model folder `model/` (float16).
public final class GeneratorTrainer {
    public let folder: String
    public let settings: TrainingSettings
    public private(set) var corpus: TrainingCorpus?
    public private(set) var vocabulary: [String] = []
    /// Stops (as if killed) after this step, before the model folder is
    /// written: for tests of resuming.
    public var stopAfterStep: Int?

    public init(folder: String, settings: TrainingSettings) {
        self.folder = folder
        self.settings = settings
    }

    var settingsPath: String { folder + "/training.json" }
    var checkpointPath: String { folder + "/checkpoint.safetensors" }
    var csvPath: String { folder + "/loss.csv" }
    public var modelFolder: String { folder + "/model" }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Checks or records the settings, then builds the data (and vocab.txt).
    public func prepare(log: (String) -> Void) throws {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        guard manager.fileExists(atPath: folder + "/data") else { throw TrainingError(.io, "\(folder): cannot create the training folder") }
        if let data = manager.contents(atPath: settingsPath) {
            guard let recorded = try? JSONDecoder().decode(TrainingSettings.self, from: data) else {
                throw TrainingError(.corrupt, "\(settingsPath): not a training settings file")
            }
            // The length of a run may change when it resumes (its cosine then
            // follows the new length from the current step); nothing else may.
            var comparable = recorded
            comparable.steps = settings.steps
            guard comparable == settings else {
                throw TrainingError(.badInput, "\(folder) holds a run with other settings (see \(settingsPath)); choose another folder to start a new run")
            }
            if recorded.steps != settings.steps {
                log("the run's length changes from \(recorded.steps) to \(settings.steps) steps")
                try AtomicFile.write(Array(try Self.encoder().encode(settings)), to: settingsPath)
            }
        } else {
            try AtomicFile.write(Array(try Self.encoder().encode(settings)), to: settingsPath)
        }
        let matcher = try KeywordMatcher(contentsOf: settings.keywords)
        let corpus = try TrainingCorpus.load(paths: settings.corpora, keywords: matcher, seed: settings.seed,
                                             validationFraction: settings.validationFraction)
        guard !corpus.training.isEmpty, !corpus.validation.isEmpty else {
            throw TrainingError(.badInput, "the corpora hold \(corpus.training.count) training and \(corpus.validation.count) validation poems; both must be non-empty")
        }
        log("data: \(corpus.read) poems read, \(corpus.regular) regular, \(corpus.duplicates) duplicates; \(corpus.training.count) for training, \(corpus.validation.count) for validation")
        let vocabPath = folder + "/vocab.txt"
        if let text = try? String(contentsOfFile: vocabPath, encoding: .utf8) {
            vocabulary = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
        } else {
            vocabulary = TrainingCorpus.vocabulary(of: corpus.training, minimumCount: settings.minimumCount)
            try AtomicFile.write(vocabulary.joined(separator: "\n") + "\n", to: vocabPath)
        }
        if !manager.fileExists(atPath: folder + "/data/validation.txt") {
            try AtomicFile.write(corpus.training.map(\.layout).joined(separator: "\n") + "\n", to: folder + "/data/train.txt")
            try AtomicFile.write(corpus.validation.map(\.layout).joined(separator: "\n") + "\n", to: folder + "/data/validation.txt")
        }
        self.corpus = corpus
    }

    /// Trains to `settings.steps` (resuming from the checkpoint if there is
    /// one) and writes the model folder. `progress` is called after every step.
    public func run(log: (String) -> Void, progress: (TrainingProgress) -> Void) throws {
        if corpus == nil { try prepare(log: log) }
        let corpus = corpus!
        let tokenizer = try BertTokenizer(vocabulary: BertVocabulary(tokens: vocabulary))
        var config = settings.config
        config.vocabSize = vocabulary.count
        guard config.hiddenSize % config.heads == 0 else {
            throw TrainingError(.badInput, "width \(config.hiddenSize) is not divisible by \(config.heads) heads")
        }
        let train = corpus.training.map { EncodedPoem($0, tokenizer: tokenizer) }.filter { $0.ids.count <= config.positions }
        let validation = Array(corpus.validation.prefix(settings.validationPoems).map { EncodedPoem($0, tokenizer: tokenizer) }
            .filter { $0.ids.count <= config.positions })
        let parameters: GPT2Parameters
        let optimizer: AdamW
        var step = 0
        if FileManager.default.fileExists(atPath: checkpointPath) {
            (parameters, optimizer, step) = try TrainingCheckpoint.load(checkpointPath, config: config, settings: settings.optimizer)
            log("resuming from \(checkpointPath) at step \(step)")
        } else {
            parameters = GPT2Parameters(config: config, seed: settings.seed)
            optimizer = AdamW(layout: parameters.layout, settings: settings.optimizer)
        }
        log("model: \(config.layers) layers × \(config.hiddenSize), \(config.heads) heads, \(config.positions) positions, vocabulary \(config.vocabSize): \(parameters.count) parameters")
        var csv = try CSVLog(path: csvPath, keepingStepsUpTo: step)
        let gradients = GPT2Parameters(zerosLike: parameters.layout)
        let pass = GPT2TrainingPass(layout: parameters.layout)
        let plan = BatchPlan(lengths: train.map(\.ids.count), tokensPerBatch: settings.tokensPerBatch, seed: settings.seed)
        let schedule = LearningRateSchedule(peak: settings.learningRate, minimum: settings.minimumLearningRate,
                                            warmupSteps: settings.warmupSteps, totalSteps: settings.steps)
        var epochBatches: (epoch: Int, batches: [[Int]])?
        let started = Date()
        var tokensThisRun = 0
        let firstStep = step
        while step < settings.steps {
            step += 1
            let epoch = (step - 1) / plan.batchesPerEpoch
            if epochBatches?.epoch != epoch { epochBatches = (epoch, plan.batches(epoch: epoch)) }
            let indices = epochBatches!.batches[(step - 1) % plan.batchesPerEpoch]
            let batch = train.batch(indices, pad: Int32(tokenizer.padID))
            gradients.zero()
            let (sum, count) = try pass.run(tokens: batch.tokens, targets: batch.targets, batch: batch.batch,
                                            parameters: parameters, gradients: gradients)
            AdamW.clipGradients(gradients, maxNorm: settings.clipNorm)
            let rate = schedule.rate(step: step)
            optimizer.update(parameters, gradients: gradients, learningRate: rate)
            tokensThisRun += indices.reduce(0) { $0 + train[$1].ids.count }
            let loss = count > 0 ? sum / Double(count) : .nan
            guard loss.isFinite else { throw TrainingError(.badInput, "the training loss diverged at step \(step)") }
            let elapsed = Date().timeIntervalSince(started)
            var report = TrainingProgress(step: step, totalSteps: settings.steps, loss: loss, learningRate: rate,
                                          tokensPerSecond: Double(tokensThisRun) / max(elapsed, 1e-9),
                                          secondsLeft: elapsed / Double(step - firstStep) * Double(settings.steps - step))
            var validationLoss: Double?
            if step % settings.validateEvery == 0 || step == settings.steps {
                validationLoss = try Self.meanLoss(validation, pass: pass, parameters: parameters,
                                                   tokensPerBatch: settings.tokensPerBatch, pad: Int32(tokenizer.padID))
                report.validationLoss = validationLoss
            }
            try csv.append(step: step, loss: loss, validationLoss: validationLoss, learningRate: rate,
                           seconds: elapsed, tokens: tokensThisRun)
            if validationLoss != nil { try csv.drawChart(to: folder + "/loss.png", totalSteps: settings.steps) }
            if step % settings.checkpointEvery == 0 || step == settings.steps {
                try csv.flush()
                try TrainingCheckpoint.save(checkpointPath, parameters: parameters, optimizer: optimizer, step: step)
            }
            progress(report)
            if step == stopAfterStep { return }
        }
        let summary = """
            {"steps": \(settings.steps), "final_validation_loss": \(csv.lastValidationLoss ?? .nan), \
            "parameters": \(parameters.count), "training_poems": \(corpus.training.count), "validation_poems": \(corpus.validation.count), \
            "split_seed": \(settings.seed), "validation_fraction": \(settings.validationFraction)}

            """
        let keywordsText = (try? String(contentsOfFile: settings.keywords, encoding: .utf8)) ?? ""
        try ModelFolder.write(parameters, vocabulary: vocabulary, to: modelFolder, float16: true,
                              extraFiles: ["training.json": String(decoding: try Self.encoder().encode(settings), as: UTF8.self) + "\n",
                                           "training-summary.json": summary, "keywords.txt": keywordsText])
        log("model written to \(modelFolder)")
    }

    /// Mean cross-entropy (nats per predicted token) of `poems`.
    static func meanLoss(_ poems: [EncodedPoem], pass: GPT2TrainingPass, parameters: GPT2Parameters,
                                tokensPerBatch: Int, pad: Int32) throws -> Double {
        let (sum, count) = try lossSum(poems, pass: pass, parameters: parameters, tokensPerBatch: tokensPerBatch, pad: pad)
        return count > 0 ? sum / Double(count) : .nan
    }

    static func lossSum(_ poems: [EncodedPoem], pass: GPT2TrainingPass, parameters: GPT2Parameters,
                        tokensPerBatch: Int, pad: Int32) throws -> (Double, Int) {
        let plan = BatchPlan(lengths: poems.map(\.ids.count), tokensPerBatch: tokensPerBatch, seed: 0)
        var sum = 0.0, count = 0
        for indices in plan.batches(epoch: 0).sorted(by: { $0[0] < $1[0] }) {
            let batch = poems.batch(indices, pad: pad)
            let (s, n) = try pass.loss(tokens: batch.tokens, targets: batch.targets, batch: batch.batch, parameters: parameters)
            sum += s
            count += n
        }
        return (sum, count)
    }
}

/// `loss.csv`: step, training loss, validation loss (empty between
/// validations), learning rate, seconds and tokens of the run so far.
struct CSVLog {
    let path: String
    private(set) var rows: [String] = []

    static let header = "step,loss,validation_loss,learning_rate,seconds,tokens"

    /// Reads the log of an earlier run, keeping the steps a resumed run will not repeat.
    init(path: String, keepingStepsUpTo step: Int) throws {
        self.path = path
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            rows = text.split(separator: "\n").dropFirst().map(String.init).filter { row in
                Int(row.prefix { $0 != "," }).map { $0 <= step } ?? false
            }
        }
        try flush()
    }

    mutating func append(step: Int, loss: Double, validationLoss: Double?, learningRate: Double, seconds: Double, tokens: Int) throws {
        rows.append("\(step),\(loss),\(validationLoss.map { "\($0)" } ?? ""),\(learningRate),\(String(format: "%.1f", seconds)),\(tokens)")
        if validationLoss != nil || rows.count % 50 == 0 { try flush() }
    }

    func flush() throws { try AtomicFile.write(([Self.header] + rows).joined(separator: "\n") + "\n", to: path) }

    var parsed: [(step: Int, loss: Double, validation: Double?)] {
        rows.compactMap { row in
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 3, let s = Int(f[0]), let l = Double(f[1]) else { return nil }
            return (s, l, Double(f[2]))
        }
    }

    var lastValidationLoss: Double? { parsed.last { $0.validation != nil }?.validation }

    func drawChart(to file: String, totalSteps: Int) throws {
        let rows = parsed
        let image = LossChart.draw(training: rows.map { ($0.step, $0.loss) },
                                   validation: rows.compactMap { r in r.validation.map { (r.step, $0) } }, totalSteps: totalSteps)
        try AtomicFile.write(try image.encoded(), to: file)
    }
}
