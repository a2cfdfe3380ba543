import Synchronization
import TihuaCompute

extension CollectionSnapshot {
    /// Runs `body(snapshot, part, range)` over `0..<count` split among
    /// worker threads that share this snapshot: the one way to hand a read
    /// transaction to `Parallel`.
    ///
    /// LMDB lets threads share a read transaction (the environment is
    /// opened with MDB_NOTLS) as long as none of them writes to it, and the
    /// one write a reader makes is refreshing a named database on its first
    /// use in the transaction. So every database of the collection (and the
    /// index's `meta`) is touched here first, in the calling thread. Each
    /// worker reports a failure through its own slot; the first one (by
    /// worker) is rethrown once all have finished.
    package func inParallel(count: Int, parts: Int = Parallel.cores, minChunk: Int = 1,
                            _ body: (_ snapshot: CollectionSnapshot, _ part: Int, _ range: Range<Int>) throws -> Void) throws {
        precondition(!(txn is WriteTransaction), "a write transaction cannot be shared with worker threads")
        for dbi in collection.databases + [txn.index.meta] { try txn.touch(dbi) }
        let slots = max(1, parts)
        let failures = Mutex<[(any Error)?]>(Array(repeating: nil, count: slots))
        Parallel.forEachChunk(count: count, parts: slots, minChunk: minChunk) { part, range in
            do {
                try body(self, part, range)
            } catch {
                failures.withLock { $0[part] = error }
            }
        }
        if let error = failures.withLock({ $0.compactMap { $0 }.first }) { throw error }
    }
}
