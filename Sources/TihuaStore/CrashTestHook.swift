import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// For the crash tests only: with `TIHUA_TEST_KILL_AFTER_COMMITS=N` in the
/// environment, the process kills itself with SIGKILL right after its Nth
/// committed transaction of a collection write (a batch or a publication),
/// so that a test kills an import between two batches deterministically,
/// with no polling and no timing.
enum CrashTestHook {
    static let killAfter: Int? = getenv("TIHUA_TEST_KILL_AFTER_COMMITS").flatMap { Int(String(cString: $0)) }
    private static let commits = Atomic<Int>(0)

    static func committed() {
        guard let limit = killAfter else { return }
        if commits.add(1, ordering: .relaxed).newValue >= limit { kill(getpid(), SIGKILL) }
    }
}

extension CrashTestHook {
    /// With `TIHUA_TEST_KILL_BEFORE_COMMIT=N`, the process kills itself
    /// (SIGKILL) right before its Nth commit of a collection write: all of
    /// that transaction's changes are made and none is committed (a
    /// one-transaction rewrite such as a conversion, killed at its end).
    static let killBefore: Int? = getenv("TIHUA_TEST_KILL_BEFORE_COMMIT").flatMap { Int(String(cString: $0)) }
    private static let commitsStarted = Atomic<Int>(0)

    static func committing() {
        guard let limit = killBefore else { return }
        if commitsStarted.add(1, ordering: .relaxed).newValue >= limit { kill(getpid(), SIGKILL) }
    }
}
