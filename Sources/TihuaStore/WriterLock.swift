import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serialises writers of one index across threads and processes.
///
/// LMDB serialises single write transactions itself, but an import commits
/// in many transactions and publishes at the end; two such imports must not
/// interleave. An exclusive `flock` on `data.mdb` (which LMDB itself never
/// locks) covers other processes; a mutex covers threads of this process.
final class WriterLock: Sendable {
    private let fd: Int32
    private let mutex = Mutex(())
    private let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw StoreError.system(errno, "open \(path) for locking")
        }
    }

    deinit { close(fd) }

    func withLock<R>(_ body: () throws -> R) throws -> R {
        try mutex.withLock { _ in
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                throw StoreError.system(errno, "lock \(path) for writing")
            }
            defer { flock(fd, LOCK_UN) }
            return try body()
        }
    }
}
