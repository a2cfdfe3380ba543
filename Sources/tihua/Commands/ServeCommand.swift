import ArgumentParser
import Dispatch
import Foundation
import TihuaPoetry
import TihuaServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: the JSON API, clip-retrieval's routes and a web page.",
        discussion: """
        The model is opened once at start. Reads run in parallel; model passes run a few at a time \
        behind a bounded queue (503 with Retry-After when it is full), and the text and photo queries \
        that wait for a pass are embedded together in it (--batch). Writes (POST /v1/images/add, \
        DELETE /v1/records) are off unless --token-file names a file whose first line is the token, \
        sent as Authorization: Bearer TOKEN. SIGTERM or SIGINT lets requests in flight finish, then exits 0.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOption: ModelOption
    @Option(help: "The GPT-2 poem model folder for generator gpt2 (default: \(GeneratorCommand.shippedModel) when it exists).") var lm: String?
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The port to listen on (0: any free port, printed at start).") var port = 8080
    @Option(help: ArgumentHelp("A file whose first line is the bearer token that allows writes.", valueName: "file"))
    var tokenFile: String?
    @Option(help: ArgumentHelp("Where uploaded photos are kept (default: uploads in the index folder).", valueName: "dir"))
    var uploads: String?
    @Option(parsing: .unconditional, help: "The largest request body, in MiB.") var maxBodyMiB = 16
    @Option(parsing: .unconditional, help: "Seconds before a request is answered 504.") var timeout = 60
    @Option(parsing: .unconditional, help: "Model forward passes at once (passes × BLAS threads ≤ cores).")
    var passes = 1
    @Option(parsing: .unconditional, help: "Requests that may wait for a model pass before 503.") var queue = 16
    @Option(parsing: .unconditional, help: "Text and photo queries of concurrent requests embedded together in one pass, at most.")
    var batch = 8
    @Option(parsing: .unconditional, help: "Under load, milliseconds a pass waits for its batch to fill.")
    var batchWindow = 10

    func validate() throws {
        try checkFlag("--port", port, 0...65535)
        try checkFlag("--max-body-mib", maxBodyMiB, 1...1024)
        try checkFlag("--timeout", timeout, 1...3600)
        try checkFlag("--passes", passes, 1...max(1, ProcessInfo.processInfo.activeProcessorCount))
        try checkFlag("--queue", queue, 0...100_000)
        try checkFlag("--batch", batch, 1...64)
        try checkFlag("--batch-window", batchWindow, 0...10_000)
    }

    func run() throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.writeToken = try tokenFile.map { try ServerConfiguration.token(fromFile: $0) }
        configuration.uploadFolder = uploads
        configuration.maxBodyBytes = maxBodyMiB << 20
        configuration.requestTimeout = .seconds(timeout)
        configuration.modelPasses = passes
        configuration.modelQueue = queue
        configuration.maxBatch = batch
        configuration.batchWindow = .milliseconds(batchWindow)
        // The shipped GPT-2 generator when run from the repository, loaded at start as the CLIP model is.
        let shipped = FileManager.default.fileExists(atPath: GeneratorCommand.shippedModel) ? GeneratorCommand.shippedModel : nil
        let engine = try indexOptions.engine(tokenFile == nil ? .readOnly : .readWrite, model: modelOption.model,
                                             generator: lm ?? shipped)
        let server = try TihuaServer(engine: engine, configuration: configuration)
        // The server is async; the command line is not: run it on the
        // concurrency pool and wait here until it has drained and stopped.
        let finished = DispatchSemaphore(value: 0)
        let failure = ServeFailure()
        Task {
            do {
                try await server.run { [host] port in printNote("listening on http://\(host):\(port)") }
            } catch {
                failure.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw error }
    }
}

/// The server's error, handed from its task to the waiting command.
private final class ServeFailure: @unchecked Sendable {
    // Written by the server task before it signals, read after the wait: the
    // semaphore orders the two accesses.
    var error: (any Error)?
}
