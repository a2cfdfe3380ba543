import Dispatch
import NIOPosix
import TihuaPoetry

/// Runs the façade's blocking calls off the event loops: on a thread pool of
/// its own, reads at most `readers` at a time and model forward passes at
/// most `modelPasses` at a time, each behind a bounded queue (full → 503).
/// A query by text or photo is embedded first, in a batch with the queries
/// of other requests waiting at the same time (`QueryBatcher`), then
/// answered as a read. Other calls that run a model (generate, images add)
/// hold a pass slot for the whole façade call, so that passes never exceed
/// the budget however requests interleave.
final class EngineRunner: Sendable {
    let engine: TihuaEngine
    let reads: WorkGate
    let passes: WorkGate
    let batcher: QueryBatcher
    let metrics: ServerMetrics
    private let deadline: Deadline
    private let pool: NIOThreadPool

    init(engine: TihuaEngine, configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.engine = engine
        self.metrics = metrics
        deadline = Deadline(timeout: configuration.requestTimeout)
        reads = WorkGate(slots: configuration.readers, queueLimit: configuration.readQueue)
        passes = WorkGate(slots: configuration.modelPasses, queueLimit: configuration.modelQueue)
        // One thread per slot of either gate: a slot never waits for a thread.
        let pool = NIOThreadPool(numberOfThreads: configuration.readers + configuration.modelPasses)
        pool.start()
        self.pool = pool
        batcher = QueryBatcher(maxBatch: configuration.maxBatch, queueLimit: configuration.modelQueue,
                               window: configuration.batchWindow, gate: passes) { queries in
            let start = ContinuousClock.now
            defer { metrics.modelPass(ContinuousClock.now - start, batch: queries.count) }
            return try await pool.runIfActive { engine.embed(queries) }
        }
    }

    /// A query operation (keywords, poems, images): a text or photo query is
    /// embedded in a batch (see `QueryBatcher`), then `body` runs as a read
    /// with that embedding; any other query is a read at once.
    func query<T: Sendable>(_ query: Query?,
                            _ body: @escaping @Sendable (TihuaEngine, QueryEmbedding?) throws -> T) async throws -> T {
        guard let query, query.needsModel else { return try await read { try body($0, nil) } }
        return try await withTimeout { [self] in
            metrics.queueDepth(passes.load.waiting + batcher.waitingCount + 1)
            defer { metrics.queueDepth(passes.load.waiting + batcher.waitingCount) }
            let embedding = try await batcher.embed(query)
            return try await reads.run { try await onPool { try body($0, embedding) } }
        }
    }

    /// A read: searches, documents, stats, files.
    func read<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        // A free slot: straight to a thread, with no task in between (the
        // common case, and a vector search's latency is mostly hops).
        if reads.tryEnter() {
            let engine = self.engine
            return try await deadline.run(on: pool, onTimeout: timeoutError, finished: { [reads] in reads.leave() }) {
                try body(engine)
            }
        }
        return try await withTimeout { [self] in try await reads.run { try await onPool(body) } }
    }

    /// A call that runs the model for the whole call (generate, images add).
    func model<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        try await withTimeout { [self] in
            defer { metrics.queueDepth(passes.load.waiting) }
            metrics.queueDepth(passes.load.waiting + 1)
            return try await passes.run {
                metrics.queueDepth(passes.load.waiting)
                let start = ContinuousClock.now
                defer { metrics.modelPass(ContinuousClock.now - start, batch: 1) }
                return try await onPool(body)
            }
        }
    }

    /// `body`, or 504 when it runs past the request timeout (see `Deadline`).
    private func withTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await deadline.run(onTimeout: timeoutError, body)
    }

    private var timeoutError: @Sendable () -> any Error {
        let limit = deadline.timeout
        return { APIError(.gatewayTimeout, "the request took longer than \(limit) to answer", kind: "busy") }
    }

    private func onPool<T: Sendable>(_ body: @escaping @Sendable (TihuaEngine) throws -> T) async throws -> T {
        let engine = self.engine
        return try await pool.runIfActive { try body(engine) }
    }

    func shutdown() async {
        deadline.stop()
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
