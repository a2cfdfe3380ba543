import Foundation
import Testing
import TihuaModels
@testable import TihuaTraining

/// The trainer's arithmetic: gradients against finite differences, and two
/// optimizer steps against transformers' GPT2LMHeadModel + torch.optim.AdamW
/// (Tools/fixtures/make_training_fixture.py).
@Suite struct TrainerExactnessTests {
    static let fixture: SafeTensors = {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        return try! SafeTensors(contentsOf: url.path + "/adamw-steps.safetensors")
    }()
    static let config = GPT2Config(vocabSize: 40, positions: 16, hiddenSize: 16, layers: 2, heads: 2)

    /// The fixture's batch: labels −100 → targets −1, shifted by one.
    static func batch() throws -> (tokens: [Int32], targets: [Int32]) {
        let ids = try fixture.integerArray("input_ids"), labels = try fixture.integerArray("labels")
        let T = 10
        var targets = [Int32](repeating: -1, count: ids.count)
        for r in ids.indices where r % T < T - 1 && labels[r + 1] >= 0 { targets[r] = Int32(labels[r + 1]) }
        return (ids.map(Int32.init), targets)
    }

    static func parameters(_ prefix: String) throws -> GPT2Parameters {
        let p = GPT2Parameters(zerosLike: ParameterLayout(config))
        for entry in p.layout.entries {
            let values = try fixture.floats(prefix + entry.name)
            (p.pointer + entry.offset).update(from: values.baseAddress!, count: entry.count)
        }
        return p
    }

    static func maxDifference(_ p: GPT2Parameters, _ prefix: String) throws -> (Float, String) {
        var worst: (Float, String) = (0, "")
        for entry in p.layout.entries {
            let expected = try fixture.floats(prefix + entry.name)
            for j in 0..<entry.count {
                let d = abs(p.pointer[entry.offset + j] - expected[j])
                if d > worst.0 { worst = (d, "\(entry.name)[\(j)]") }
            }
        }
        return worst
    }

    @Test func twoAdamWStepsMatchPyTorch() throws {
        let (tokens, targets) = try Self.batch()
        let parameters = try Self.parameters("init.")
        let gradients = GPT2Parameters(zerosLike: parameters.layout)
        let optimizer = AdamW(layout: parameters.layout, settings: .init(beta1: 0.9, beta2: 0.95, epsilon: 1e-4, weightDecay: 0.1))
        let pass = GPT2TrainingPass(layout: parameters.layout)
        for step in 1...2 {
            gradients.zero()
            let (sum, count) = try pass.run(tokens: tokens, targets: targets, batch: 2, parameters: parameters, gradients: gradients)
            let loss = try Self.fixture.floats("loss\(step)")[0]
            #expect(abs(Float(sum / Double(count)) - loss) < 1e-5, "step \(step) loss \(sum / Double(count)) vs \(loss)")
            let norm = AdamW.clipGradients(gradients, maxNorm: 0.5)
            if step == 1 {
                #expect(abs(Float(norm) - (try Self.fixture.floats("grad_norm1")[0])) < 1e-5)
                let (d, name) = try Self.maxDifference(gradients, "grad1.")
                #expect(d < 1e-6, "clipped gradient \(name) differs by \(d)")
            }
            optimizer.update(parameters, gradients: gradients, learningRate: 3e-3)
            let (d, name) = try Self.maxDifference(parameters, "step\(step).")
            #expect(d < 1e-5, "after step \(step): \(name) differs by \(d)")
        }
    }

    /// Central differences of the mean loss for a few entries of every
    /// tensor (float32, h = 1e-2 in the loss's own units): |fd − g| within
    /// 2e-3 + 2 %.
    @Test func gradientsMatchFiniteDifferences() throws {
        let (tokens, targets) = try Self.batch()
        let parameters = try Self.parameters("init.")
        let gradients = GPT2Parameters(zerosLike: parameters.layout)
        let pass = GPT2TrainingPass(layout: parameters.layout)
        try pass.run(tokens: tokens, targets: targets, batch: 2, parameters: parameters, gradients: gradients)
        func loss() throws -> Double {
            let (s, n) = try pass.loss(tokens: tokens, targets: targets, batch: 2, parameters: parameters)
            return s / Double(n)
        }
        var checked = 0
        for entry in parameters.layout.entries {
            for j in [0, entry.count / 2, entry.count - 1] {
                let i = entry.offset + j
                let saved = parameters.pointer[i], h: Float = 1e-2
                parameters.pointer[i] = saved + h
                let up = try loss()
                parameters.pointer[i] = saved - h
                let down = try loss()
                parameters.pointer[i] = saved
                let numeric = (up - down) / Double(2 * h), analytic = Double(gradients.pointer[i])
                #expect(abs(numeric - analytic) <= 2e-3 + 0.02 * abs(analytic), "\(entry.name)[\(j)]: numeric \(numeric), analytic \(analytic)")
                checked += 1
            }
        }
        #expect(checked == 3 * parameters.layout.entries.count)
        // Rows without a target contribute nothing: the padded positions' embeddings get no gradient.
        let wpe = parameters.layout.entry("wpe.weight")!
        #expect((10 * 16..<16 * 16).allSatisfy { gradients.pointer[wpe.offset + $0] == 0 })
    }

    /// A batch's loss does not depend on what pads it.
    @Test func paddingDoesNotChangeTheLoss() throws {
        let (tokens, targets) = try Self.batch()
        let parameters = try Self.parameters("init.")
        let pass = GPT2TrainingPass(layout: parameters.layout)
        let a = try pass.loss(tokens: tokens, targets: targets, batch: 2, parameters: parameters)
        var other = tokens
        other[18] = 31; other[19] = 17
        let b = try pass.loss(tokens: other, targets: targets, batch: 2, parameters: parameters)
        #expect(a.count == b.count && abs(a.sum - b.sum) < 1e-9)
        #expect(throws: TrainingError.self) { try pass.loss(tokens: [0, 40], targets: [-1, -1], batch: 1, parameters: parameters) }
    }

    @Test func learningRateWarmsUpThenDecays() {
        let s = LearningRateSchedule(peak: 1e-3, minimum: 1e-4, warmupSteps: 10, totalSteps: 110)
        #expect(abs(s.rate(step: 5) - 5e-4) < 1e-12 && abs(s.rate(step: 10) - 1e-3) < 1e-12)
        #expect(abs(s.rate(step: 60) - 5.5e-4) < 1e-9 && abs(s.rate(step: 110) - 1e-4) < 1e-12)
    }
}
