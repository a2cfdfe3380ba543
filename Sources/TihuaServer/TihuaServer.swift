import Foundation
import Hummingbird
import Logging
import NIOCore
import TihuaCompute
import TihuaPoetry

/// `tihua serve`: the HTTP API over one `TihuaEngine`, clip-retrieval's
/// routes, the web page and Prometheus metrics, on Hummingbird 2.
///
/// The engine's models are opened once, when the server is made, never per
/// request. Façade calls run off the event loops on the `EngineRunner`'s
/// threads: reads in parallel on their own LMDB read transactions, model
/// forward passes `modelPasses` at a time (TihuaCompute's `ComputeBudget`,
/// configured here, gives each pass cores / passes threads) behind a bounded
/// queue (503 with Retry-After when it is full), every call under the
/// request timeout (504).
///
/// Request bodies are JSON whatever their Content-Type, or
/// multipart/form-data; unknown fields are ignored.
public final class TihuaServer: Sendable {
    public let configuration: ServerConfiguration
    let engine: TihuaEngine
    let runner: EngineRunner
    let metrics: ServerMetrics
    let logger: Logger
    /// The index's name for clip-retrieval's `indice_name` (its folder's name).
    let indexName: String

    /// Opens the engine's models now. An index that records no model, served
    /// without one, still answers vector searches and documents.
    public init(engine: TihuaEngine, configuration: ServerConfiguration = .init(), logger: Logger? = nil) throws {
        self.configuration = configuration
        self.engine = engine
        self.logger = logger ?? Logger(label: "tihua.serve")
        // The cores divided among the passes, once for the process, before the
        // first pass: passes × BLAS threads ≤ cores.
        do {
            try ComputeBudget.configure(concurrentPasses: configuration.modelPasses)
        } catch {
            throw ServerError.setup("\(error)")
        }
        let loaded = Result { () throws(PoetryError) in try engine.loadModels() }
        if case .failure(let error) = loaded {
            guard error.kind == .notReady, engine.configuration.model == nil else { throw error }
            self.logger.warning("no model: \(error.message); text and image queries will be refused")
        }
        metrics = ServerMetrics()
        runner = EngineRunner(engine: engine, configuration: configuration, metrics: metrics)
        let path = engine.indexPath ?? "index"
        let name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        indexName = name.isEmpty || name == "/" ? "index" : name
    }

    /// The router with every route and middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(RequestLog(metrics: metrics, retryAfter: configuration.retryAfterSeconds))
        // clip-retrieval's front end calls its back end from another origin.
        router.middlewares.add(CORSMiddleware(allowOrigin: .all,
                                              allowHeaders: [.accept, .authorization, .contentType, .origin],
                                              allowMethods: [.get, .post, .delete, .head, .options]))
        addAPIRoutes(to: router)
        addWriteRoutes(to: router)
        addClipRetrievalRoutes(to: router)
        addPageRoutes(to: router)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.metrics.text())))
        }
        return router
    }

    /// The application, listening where the configuration says;
    /// `onListening(port)` runs once it accepts connections.
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                         serverName: "tihua"),
                    onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then lets requests in flight finish
    /// and returns.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onListening: onListening).runService(gracefulShutdownSignals: [.sigterm, .sigint])
        await runner.shutdown()
    }

    /// Releases the worker threads (after the application stopped).
    public func shutdown() async { await runner.shutdown() }

    /// The request body limit for the routes.
    var bodyLimit: Int { configuration.maxBodyBytes }
}
