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
