import Synchronization

/// A bounded number of jobs at a time behind a bounded queue: `enter()`
/// takes a slot when one is free, waits in line for one when fewer than
/// `queueLimit` wait already, and otherwise refuses at once (the server
/// answers 503). A waiter whose task is cancelled (its request timed out)
/// leaves the line without taking a slot.
final class WorkGate: Sendable {
    enum Refusal: Error { case full }

    let slots: Int
    let queueLimit: Int

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    init(slots: Int, queueLimit: Int) {
        precondition(slots > 0 && queueLimit >= 0)
        self.slots = slots
        self.queueLimit = queueLimit
    }

    /// Jobs running and waiting now.
    var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    /// Runs `body` in a slot; throws `Refusal.full` when the queue is full
    /// and `CancellationError` when the task was cancelled while waiting.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await body()
    }

    /// Takes a slot if one is free with nobody waiting, without suspending;
    /// the caller then calls `leave()` once its job is done.
    func tryEnter() -> Bool {
        state.withLock { s in
            guard s.running < slots && s.waiting.isEmpty else { return false }
            s.running += 1
            return true
        }
    }

    private enum Outcome { case admitted, refused, cancelled }

    /// Decides under the lock: a free slot (nobody ahead), the queue, or no.
    private func decide(_ s: inout State, queue waiter: Waiter?) -> Outcome? {
        if s.running < slots && s.waiting.isEmpty { s.running += 1; return .admitted }
        guard s.waiting.count < queueLimit else { return .refused }
        guard let waiter else { return nil }
        s.waiting.append(waiter)
        return nil
    }

    private func enter() async throws {
        // Fast path: admitted or refused without suspending.
        switch state.withLock({ decide(&$0, queue: nil) }) {
        case .admitted?: return
        case .refused?: throw Refusal.full
        default: break
        }
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                // Decided again with the waiter queued in the same critical
                // section, so that no slot is freed between the check and the wait.
                let now = state.withLock { s -> Outcome? in
                    if Task.isCancelled { return .cancelled }
                    return decide(&s, queue: Waiter(id: id, continuation: continuation))
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiting.remove(at: i)
            }
            waiter?.continuation.resume(returning: .cancelled)
        }
        switch outcome {
        case .admitted: return
        case .refused: throw Refusal.full
        case .cancelled: throw CancellationError()
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    func leave() {
        let next = state.withLock { s -> Waiter? in
            if s.waiting.isEmpty { s.running -= 1; return nil }
            return s.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .admitted)
    }
}
