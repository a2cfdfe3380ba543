import NIOCore
import NIOPosix
import Synchronization

/// The request deadlines of a server: `run` answers with a body's result,
/// or with `onTimeout()`'s error once the timeout has passed, whichever
/// comes first.
///
/// One task sleeps until the earliest deadline for all requests, instead of
/// a timer task per request (its start, sleep and cancellation cost about a
/// tenth of a millisecond a request, measured). Every deadline is now plus
/// the same timeout, so deadlines expire in the order they are set: they
/// wait in a FIFO, and setting one wakes the sleeper only when nothing was
/// pending.
///
/// On a timeout the body's task is cancelled (a request waiting in a queue
/// leaves it) but not awaited: work already running on a thread finishes in
/// its own time, and still holds its slot, while the client gets its answer.
final class Deadline: Sendable {
    let timeout: Duration
    private let shared = Shared()

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        /// The live deadlines' handlers, by id; an answered request's is removed.
        var pending: [UInt64: @Sendable () -> Void] = [:]
        /// Every deadline set, in order; ids no longer pending are skipped.
        var order = CircularBuffer<(id: UInt64, at: ContinuousClock.Instant)>()
        var nextID: UInt64 = 0
        var sleeper: Task<Void, Never>?
        /// The sleeper waiting for a first deadline, when none is pending.
        var idle: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    init(timeout: Duration) { self.timeout = timeout }

    deinit { stop() }

    /// Deadlines set and not yet cleared or passed.
    var pendingCount: Int { shared.state.withLock { $0.pending.count } }

    /// Ends the sleeper (the server stopped).
    func stop() {
        let (sleeper, idle) = shared.state.withLock { s in
            s.stopped = true
            defer { s.idle = nil; s.sleeper = nil }
            return (s.sleeper, s.idle)
        }
        sleeper?.cancel()
        idle?.resume()
    }

    /// `body`'s result, or `onTimeout()`'s error after `timeout`.
    func run<T: Sendable>(onTimeout: @escaping @Sendable () -> any Error,
                          _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.continuation.withLock { $0 = continuation }
            let id = set {
                guard let continuation = race.take() else { return }
                continuation.resume(throwing: onTimeout())
                race.work.withLock { $0 }?.cancel()
            }
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                self.clear(id)
                race.take()?.resume(with: result)
            }
            race.work.withLock { $0 = work }
        }
    }

    /// As `run`, for a blocking `body` run on `pool` with no task of its own
    /// (a task costs a hop more per request). `finished` runs on the pool's
    /// thread once the body has run, whether or not the deadline passed first.
    func run<T: Sendable>(on pool: NIOThreadPool, onTimeout: @escaping @Sendable () -> any Error,
                          finished: @escaping @Sendable () -> Void,
                          _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.continuation.withLock { $0 = continuation }
            let id = set { race.take()?.resume(throwing: onTimeout()) }
            pool.submit { state in
                let result: Result<T, any Error> = state == .active ? Result(catching: body) : .failure(CancellationError())
                finished()
                self.clear(id)
                race.take()?.resume(with: result)
            }
        }
    }

    /// Sets a deadline `timeout` from now; `fire` runs when it passes, unless cleared first.
    private func set(_ fire: @escaping @Sendable () -> Void) -> UInt64 {
        let at = ContinuousClock.now + timeout
        let (id, start, wake) = shared.state.withLock { s -> (UInt64, Bool, CheckedContinuation<Void, Never>?) in
            s.nextID += 1
            s.pending[s.nextID] = fire
            s.order.append((s.nextID, at))
            // Answered requests leave their entries behind; drop them before they pile up.
            if s.order.count > 64 && s.order.count > 2 * s.pending.count {
                s.order = CircularBuffer(s.order.filter { s.pending[$0.id] != nil })
            }
            let start = s.sleeper == nil && !s.stopped
            defer { s.idle = nil }
            return (s.nextID, start, s.idle)
        }
        wake?.resume()
        if start { startSleeper() }
        return id
    }

    private func clear(_ id: UInt64) {
        _ = shared.state.withLock { $0.pending.removeValue(forKey: id) }
    }

    private func startSleeper() {
        // The task holds the state, not this object, so that a server
        // dropped without stopping still deinitialises and ends it.
        let task = Task { [shared] in await Self.sleep(on: shared) }
        let late = shared.state.withLock { s -> Bool in
            guard s.sleeper == nil, !s.stopped else { return true }
            s.sleeper = task
            return false
        }
        if late { task.cancel() }
    }

    private enum Step { case fire(@Sendable () -> Void), sleep(until: ContinuousClock.Instant), idle, stop }

    private static func sleep(on shared: Shared) async {
        while !Task.isCancelled {
            let step = shared.state.withLock { s -> Step in
                if s.stopped { return .stop }
                while let head = s.order.first, s.pending[head.id] == nil { s.order.removeFirst() }
                guard let head = s.order.first else { return .idle }
                guard head.at <= ContinuousClock.now else { return .sleep(until: head.at) }
                s.order.removeFirst()
                return .fire(s.pending.removeValue(forKey: head.id)!)
            }
            switch step {
            case .fire(let fire): fire()
            case .sleep(let until): try? await Task.sleep(until: until, clock: .continuous)
            case .stop: return
            case .idle:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    // Parked only if still nothing is pending, under the lock `set` takes.
                    let park = shared.state.withLock { s -> Bool in
                        guard !s.stopped, s.pending.isEmpty else { return false }
                        s.idle = continuation
                        return true
                    }
                    if !park { continuation.resume() }
                }
            }
        }
    }
}

/// The continuation that the first of the work and the deadline takes.
private final class Race<T: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)

    func take() -> CheckedContinuation<T, any Error>? {
        continuation.withLock { c in
            defer { c = nil }
            return c
        }
    }
}
