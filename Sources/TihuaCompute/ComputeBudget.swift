import Dispatch
import Synchronization

/// The process's cores, divided once: the thread-safety contract of compute.
///
/// - **BLAS** runs single-threaded, fixed before its first product and never
///   changed (`BLAS`); every parallel loop is ours (`Parallel`), so a product
///   called from a worker thread never starts threads of its own, and no
///   thread changes a process-wide setting while another computes.
/// - **Model forward passes** (the CLIP towers, GPT-2) run through
///   `forwardPass`: at most `concurrentPasses` at once, each splitting its
///   products and element-wise loops over `threadsPerPass` threads, where
///   `concurrentPasses × threadsPerPass ≤ cores`. More passes wait for a
///   permit (a server queues requests in front of this). The default, for
///   the command line, is one pass on all cores; a server calls
///   `configure(concurrentPasses:)` once at start, before the first pass.
///   Weights and their derived copies are built at load, not during a pass.
/// - **Searches** are short and memory-bound: each splits its scan over all
///   cores with `Parallel`, with single-threaded products inside the
///   workers, and needs no permit. Worker threads share a read transaction
///   only through `CollectionSnapshot.inParallel` (TihuaStore), which
///   prepares it first and gives each worker its own error slot.
/// - **The index** (`TihuaIndex`) is shared by all threads: reads run in
///   parallel on their own LMDB read transactions, writes are serialised.
public enum ComputeBudget {
    public struct Configuration: Sendable, Equatable, CustomStringConvertible {
        /// Forward passes that may run at once.
        public let concurrentPasses: Int
        /// Threads each pass splits its work over.
        public let threadsPerPass: Int

        public var description: String { "\(concurrentPasses) passes × \(threadsPerPass) threads" }
    }

    public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Online cores, read once.
    public static var cores: Int { Parallel.cores }

    private struct State {
        var configuration: Configuration?
        var permits: DispatchSemaphore?
    }
    private static let state = Mutex(State())
    /// `threadsPerPass` once fixed (0 before): read by every kernel call.
    private static let fixedThreads = Atomic<Int>(0)

    /// Divides the cores among `concurrentPasses` forward passes (1 … cores).
    /// Call it once, before the first pass; calling it again with another
    /// value after the budget is in use is an error.
    public static func configure(concurrentPasses: Int) throws {
        guard concurrentPasses >= 1 && concurrentPasses <= cores else {
            throw ConfigurationError(description: "concurrent model passes must be 1…\(cores) (the cores), not \(concurrentPasses)")
        }
        let wanted = Configuration(concurrentPasses: concurrentPasses, threadsPerPass: max(1, cores / concurrentPasses))
        try state.withLock { s in
            if let current = s.configuration {
                guard current == wanted else {
                    throw ConfigurationError(description: "the compute budget is already in use as \(current); configure it once, before the first model pass")
                }
                return
            }
            s.configuration = wanted
            s.permits = DispatchSemaphore(value: wanted.concurrentPasses)
            fixedThreads.store(wanted.threadsPerPass, ordering: .releasing)
        }
    }

    /// The budget in force (fixed from now on: one pass on all cores unless
    /// `configure` came first).
    public static var configuration: Configuration { fixed().configuration }

    /// Threads a forward pass splits its work over.
    public static var threadsPerPass: Int {
        let t = fixedThreads.load(ordering: .acquiring)
        return t > 0 ? t : fixed().configuration.threadsPerPass
    }

    private static func fixed() -> (configuration: Configuration, permits: DispatchSemaphore) {
        state.withLock { s in
            if s.configuration == nil {
                s.configuration = Configuration(concurrentPasses: 1, threadsPerPass: cores)
                s.permits = DispatchSemaphore(value: 1)
                fixedThreads.store(cores, ordering: .releasing)
            }
            return (s.configuration!, s.permits!)
        }
    }

    @TaskLocal private static var insidePass = false

    /// Runs one model forward pass once a permit is free. A pass started
    /// from inside another (on the same thread) runs within its permit.
    public static func forwardPass<R>(_ body: () throws -> R) rethrows -> R {
        if insidePass { return try body() }
        let permits = fixed().permits
        permits.wait()
        defer { permits.signal() }
        return try $insidePass.withValue(true) { try body() }
    }
}
