import ArgumentParser
import Foundation
import TihuaBench
import TihuaPoetry

struct BenchFacadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facade",
        abstract: "The in-process peer of a server load test: the façade call a route makes, timed per call.",
        discussion: """
        Reads a request body as the server's route takes it (--route poems, images, keywords or search) \
        and makes the same façade call from --concurrency threads, one call after another on each, \
        with the model opened once as the server opens it. Tools/bench/serve_bench.sh compares it with \
        wrk against tihua serve.
        """)

    enum Route: String, ExpressibleByArgument, CaseIterable { case poems, images, keywords, search }

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOption: ModelOption
    @Option(help: "The route whose façade call is timed.") var route: Route
    @Option(help: ArgumentHelp("The JSON request body, as sent to the route.", valueName: "file.json")) var body: String
    @Option(parsing: .unconditional, help: "Timed calls.") var requests = 2000
    @Option(parsing: .unconditional, help: "Threads calling at once.") var concurrency = 1
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--requests", requests, 1...10_000_000)
        try checkFlag("--concurrency", concurrency, 1...256)
    }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model)
        guard let data = FileManager.default.contents(atPath: body) else { throw CommandLineFailure("cannot read \(body)") }
        let decoder = JSONDecoder()
        let call: @Sendable () throws -> Void
        switch route {
        case .poems:
            let request = try decoder.decode(PoemsRequest.self, from: data)
            call = { _ = try engine.poems(request) }
        case .images:
            let request = try decoder.decode(ImagesRequest.self, from: data)
            call = { _ = try engine.images(request) }
        case .keywords:
            let request = try decoder.decode(KeywordsRequest.self, from: data)
            call = { _ = try engine.keywords(request) }
        case .search:
            let request = try decoder.decode(SearchRequest.self, from: data)
            call = { _ = try engine.search(request) }
        }
        try engine.loadModels()
        let report = try FacadeBenchmark.run(requests: requests, concurrency: concurrency, call)
        if output.json { return try printJSONLine(report) }
        printLine(String(format: "%@ × %d threads: %.0f calls/s, p50 %.3f ms, p99 %.3f ms", route.rawValue, concurrency,
                         report.rps, report.p50_ms, report.p99_ms))
    }
}

struct BenchRandomModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "random-model",
        abstract: "Write a Chinese-CLIP folder of real size (ViT-B/16, BERT-base) with random weights, for benchmarks.")

    @Argument(help: "The folder to write.") var folder: String
    @Option(parsing: .unconditional, help: "Seed of the weights.") var seed: UInt64 = 1

    func run() throws { try RandomModelFolder.write(to: folder, seed: seed) }
}
