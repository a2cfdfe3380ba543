import Dispatch
import NIOPosix
import TihuaPoetry

/// Runs the façade's blocking calls off the event loops: on a thread pool of
/// its own, reads at most `readers` at a time and model forward passes at
/// most `modelPasses` at a time, each behind a bounded queue (full → 503).
/// A request that needs a model holds a pass slot for the whole façade call
/// (embedding, then a search of a few milliseconds), so that passes never
/// exceed the budget however requests interleave.
final class EngineRunner: Sendable {
    let engine: TihuaEngine
    let reads: WorkGate
    let passes: WorkGate
    let metrics: ServerMetrics
    let timeout: Duration
    private let pool: NIOThreadPool

    init(engine: TihuaEngine, configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.engine = engine
        self.metrics = metrics
        timeout = configuration.requestTimeout
        reads = WorkGate(slots: configuration.readers, queueLimit: configuration.readQueue)
        passes = WorkGate(slots: configuration.modelPasses, queueLimit: configuration.modelQueue)
        // One thread per slot of either gate: a slot never waits for a thread.
        pool = NIOThreadPool(numberOfThreads: configuration.readers + configuration.modelPasses)
        pool.start()
    }

    /// A read: searches, documents, stats, files.
    func read<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        try await withTimeout { [self] in try await reads.run { try await onPool(body) } }
    }

    /// A call that runs the model (a text or an image query, generate, images add).
    func model<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        try await withTimeout { [self] in
            defer { metrics.queueDepth(passes.load.waiting) }
            metrics.queueDepth(passes.load.waiting + 1)
            return try await passes.run {
                metrics.queueDepth(passes.load.waiting)
                let start = ContinuousClock.now
                defer { metrics.modelPass(ContinuousClock.now - start) }
                return try await onPool(body)
            }
        }
    }

    /// `body`, or 504 when it runs past the request timeout (see `withDeadline`).
    private func withTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let limit = timeout
        return try await withDeadline(limit, onTimeout: {
            APIError(.gatewayTimeout, "the request took longer than \(limit) to answer", kind: "busy")
        }, body)
    }

    /// As `read` or `model`, by whether the call needs the model.
    func run<T: Sendable>(needsModel: Bool, _ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        needsModel ? try await model(body) : try await read(body)
    }

    private func onPool<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        let engine = self.engine
        return try await pool.runIfActive { try body(engine) }
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    deinit {
        // A server dropped without `shutdown()` (tests) still stops its threads.
        pool.shutdownGracefully(queue: .global()) { _ in }
    }
}

extension Query {
    /// Whether answering the query runs a model forward pass.
    var needsModel: Bool {
        switch self {
        case .text, .jpeg, .imageFile: return true
        case .vector, .poem: return false
        }
    }
}
