import Foundation

/// One forward pass at a time in a process: each pass already uses every
/// core (and sets OpenBLAS's global thread count), so two at once would only
/// oversubscribe the cores and race on that setting.
enum ComputeLock {
    private static let lock = NSLock()

    static func run<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
