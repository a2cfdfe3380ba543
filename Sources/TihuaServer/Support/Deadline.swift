import Synchronization

/// Runs `body` in a task of its own and answers with its result, or with
/// the error `onTimeout()` once `limit` has passed, whichever comes first.
/// On a timeout the body's task is cancelled (a request waiting in a queue
/// leaves it) but not awaited: work already running on a thread finishes in
/// its own time, and still holds its slot, while the client gets its answer.
func withDeadline<T: Sendable>(_ limit: Duration, onTimeout: @escaping @Sendable () -> any Error,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.continuation.withLock { $0 = continuation }
        let timer = Task {
            do { try await Task.sleep(for: limit) } catch { return }  // cancelled: the work answered
            guard let continuation = race.take() else { return }
            continuation.resume(throwing: onTimeout())
            race.work.withLock { $0 }?.cancel()
        }
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            timer.cancel()
            race.take()?.resume(with: result)
        }
        race.work.withLock { $0 = work }
    }
}

/// The continuation that the first of the two tasks takes.
private final class DeadlineRace<T: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)

    func take() -> CheckedContinuation<T, any Error>? {
        continuation.withLock { c in
            defer { c = nil }
            return c
        }
    }
}
