import Synchronization
import TihuaPoetry

/// Embeds the text and photo queries of concurrent requests together: a
/// request leaves its query here and waits; a pass takes every query
/// waiting (up to `maxBatch`) once it holds a model slot, embeds them in one
/// forward pass per tower, and hands each request its embedding. Under load
/// the queries that arrive during a pass form the next batch, so the server
/// runs the encoder at its batched rate; alone, a query is embedded at once.
///
/// Under load, a pass that finds fewer than `maxBatch` queries waits a
/// little for more before it starts: the requests just answered by the last
/// pass are on their way back, and without the wait a pass of one would
/// alternate with a pass of the rest. The wait is a tenth of the last pass's
/// time, at most `window`: about nothing for a small text model, `window`
/// for a ViT-B/16 image pass of seconds. A pass after a pass of one (a lone
/// client) starts at once.
///
/// At most as many passes as the gate has slots run or wait for a slot at a time. At most
/// `queueLimit` queries wait; beyond that `embed` throws `WorkGate.Refusal.full`
/// (503). A request whose task is cancelled (its timeout) leaves the queue.
final class QueryBatcher: Sendable {
    /// Embeds a batch of queries: one result per query, in order.
    typealias Embed = @Sendable ([Query]) async throws -> [Result<QueryEmbedding, PoetryError>]

    let maxBatch: Int
    let queueLimit: Int
    let window: Duration
    private let gate: WorkGate
    private let embedBatch: Embed

    private struct Waiting {
        let id: UInt64
        let query: Query
        let continuation: CheckedContinuation<QueryEmbedding, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = 0
        var nextID: UInt64 = 0
        /// Queries in the last pass (more than one means load), and its time.
        var lastBatch = 0
        var lastPass: Duration = .zero
    }

    private let state = Mutex(State())

    /// Passes run in `gate`'s slots (shared with the server's other model
    /// calls); `embed` runs a batch there.
    init(maxBatch: Int, queueLimit: Int, window: Duration = .zero, gate: WorkGate, embed: @escaping Embed) {
        precondition(maxBatch > 0 && queueLimit >= 0)
        self.maxBatch = maxBatch
        self.window = window
        self.queueLimit = queueLimit
        self.gate = gate
        embedBatch = embed
    }

    /// Queries waiting for a pass now.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// The embedding of `query` (a text or a JPEG), made in a batch.
    func embed(_ query: Query) async throws -> QueryEmbedding {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<QueryEmbedding, any Error>) in
                let admission = state.withLock { s -> Admission in
                    if Task.isCancelled { return .cancelled }
                    guard s.waiting.count < queueLimit else { return .refused }
                    s.waiting.append(Waiting(id: id, query: query, continuation: continuation))
                    guard s.running < gate.slots else { return .queued }
                    s.running += 1
                    return .queuedStartingPass
                }
                switch admission {
                case .refused: continuation.resume(throwing: WorkGate.Refusal.full)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                case .queuedStartingPass: Task { await self.drain() }
                }
            }
        } onCancel: {
            let left = state.withLock { s -> Waiting? in
                guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiting.remove(at: i)
            }
            left?.continuation.resume(throwing: CancellationError())
        }
    }

    private enum Admission { case refused, cancelled, queued, queuedStartingPass }

    /// Runs passes while queries wait. The last pass out lowers `running`
    /// under the lock that `embed` queues under, so no query is ever left
    /// waiting with no pass to take it.
    private func drain() async {
        while true {
            do {
                try await gate.run {
                    let wait = state.withLock { s -> Duration in
                        s.lastBatch > 1 && s.waiting.count < maxBatch ? min(window, s.lastPass / 10) : .zero
                    }
                    if wait > .zero { try? await Task.sleep(for: wait) }
                    // Taken once the slot is held: whatever arrived meanwhile joins.
                    let batch = take(maxBatch)
                    guard !batch.isEmpty else { return }
                    do {
                        let start = ContinuousClock.now
                        defer { state.withLock { $0.lastPass = ContinuousClock.now - start } }
                        let results = try await embedBatch(batch.map(\.query))
                        guard results.count == batch.count else {
                            throw APIError(.internalServerError, "a batch of \(batch.count) queries gave \(results.count) embeddings",
                                           kind: "internal")
                        }
                        for (waiting, result) in zip(batch, results) {
                            waiting.continuation.resume(with: result.mapError { $0 as any Error })
                        }
                    } catch {
                        for waiting in batch { waiting.continuation.resume(throwing: error) }
                    }
                }
            } catch {
                // No slot (the gate's queue is full, or this pass was refused):
                // the queries waiting now get that answer.
                for waiting in take(Int.max) { waiting.continuation.resume(throwing: error) }
            }
            let done = state.withLock { s -> Bool in
                guard s.waiting.isEmpty else { return false }
                s.running -= 1
                return true
            }
            if done { return }
        }
    }

    private func take(_ limit: Int) -> [Waiting] {
        state.withLock { s in
            let n = min(limit, s.waiting.count)
            if n > 0 { s.lastBatch = n }
            defer { s.waiting.removeFirst(n) }
            return Array(s.waiting.prefix(n))
        }
    }
}
