#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A pthread reader–writer lock. Every transaction of this process holds it
/// shared; growing the memory map takes it exclusively, because LMDB allows
/// `mdb_env_set_mapsize` only while the process has no transaction open.
///
/// `@unchecked Sendable`: the lock itself is the synchronisation; it lives
/// in memory of its own (a pthread primitive must never move).
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func lockShared() { pthread_rwlock_rdlock(lock) }
    func unlock() { pthread_rwlock_unlock(lock) }

    func withShared<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withExclusive<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
