import TihuaBench
import ArgumentParser
import Foundation
import TihuaModels

struct BenchEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Measure the Chinese-CLIP image and text towers at real size.",
        discussion: """
            Builds ViT-B/16 and the BERT-base text tower with random weights in memory (no
            download needed), then reports images/s, texts/s for poem-length (28 characters)
            and keyword-length (2 characters) texts, the image tower's achieved GFLOP/s beside
            a plain sgemm measured in the same run, and the time to open a real-sized
            (~750 MB) model folder written to a temporary directory. Use a release build:
              swift build -c release && .build/release/tihua bench encode
            """)

    @Option(name: .long, parsing: .unconditional, help: "Images to encode (in batches of 8).")
    var images = 16

    @Option(name: .long, parsing: .unconditional, help: "Texts of each length to encode (in batches of 32).")
    var texts = 64

    @Flag(name: .long, help: "Skip writing the ~750 MB model folder and timing its open.")
    var skipOpen = false

    @Option(name: .long, help: ArgumentHelp("Measure this model folder (any weight format) instead of random weights in memory.", valueName: "dir"))
    var model: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--images", images, 1...10_000)
        try checkFlag("--texts", texts, 1...100_000)
    }

    func run() throws {
        var options = EncoderBenchmark.Options()
        options.images = images
        options.imageBatch = min(8, images)
        options.texts = texts
        options.textBatch = min(32, texts)
        options.measureOpen = !skipOpen && model == nil
        options.modelFolder = model
        let report = try EncoderBenchmark.run(options) { printNote("… \($0)") }
        if output.json {
            try printJSONLine(report)
            return
        }
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        printLine("cores                 \(report.cores)")
        printLine("images/s              \(f(report.imagesPerSecond, 2))  (\(report.images) images, batch \(report.imageBatch))")
        printLine("image tower           \(f(report.imageGFLOPPerSecond)) GFLOP/s  (\(f(report.imageGFLOPPerImage, 2)) GFLOP per image, 2 per multiply-add)")
        printLine("sgemm \(report.sgemmShape.padding(toLength: 15, withPad: " ", startingAt: 0)) \(f(report.sgemmGFLOPPerSecond)) GFLOP/s")
        printLine("tower / sgemm         \(f(report.imageEfficiency * 100))%")
        printLine("q/k/v projections     \(f(report.qkvFusedMilliseconds, 2)) ms fused, \(f(report.qkvSeparateMilliseconds, 2)) ms as three sgemms")
        printLine("poem texts/s          \(f(report.poemTextsPerSecond))  (28 characters, batch \(report.textBatch))")
        printLine("keyword texts/s       \(f(report.keywordTextsPerSecond))  (2 characters, batch \(report.textBatch))")
        if let ms = report.openMilliseconds, let mb = report.modelFileMegabytes {
            printLine("open model folder     \(f(ms, 2)) ms  (\(f(mb, 0)) MB model.safetensors)")
        }
    }
}
