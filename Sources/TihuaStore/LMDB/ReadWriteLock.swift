#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A pthread reader–writer lock. Every transaction of this process holds it
/// shared; growing the memory map takes it exclusively, because LMDB allows
/// `mdb_env_set_mapsize` only while the process has no transaction open.
final class ReadWriteLock: @unchecked Sendable {
    private var lock = pthread_rwlock_t()

    init() { pthread_rwlock_init(&lock, nil) }
    deinit { pthread_rwlock_destroy(&lock) }

    func withShared<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }

    func withExclusive<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        return try body()
    }
}
