import Dispatch

/// Runs `work` on another thread; `result()` waits for it.
final class Background<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<T, Error>?

    init(_ work: @escaping () throws -> T) {
        nonisolated(unsafe) let work = work
        DispatchQueue.global().async {
            self.outcome = Result { try work() }
            self.done.signal()
        }
    }

    func result() throws -> T {
        wait()
        return try outcome!.get()
    }

    func wait() {
        done.wait()
        done.signal()  // later waits return at once
    }
}
