import Dispatch

/// Data-parallel loops over the machine's cores.
public enum Parallel {
    /// Active processor count, read once.
    public static let cores: Int = max(1, ProcessInfo_activeProcessorCount())

    /// Splits `0..<count` into at most `parts` contiguous chunks (default: one
    /// per core) and runs `body(chunkIndex, range)` on each concurrently.
    /// Returns when all chunks are done. With one chunk it runs inline.
    public static func forEachChunk(
        count: Int, parts: Int = Parallel.cores, minChunk: Int = 1,
        _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let n = max(1, min(parts, count / max(1, minChunk)))
        if n == 1 { body(0, 0..<count); return }
        // concurrentPerform returns only when every iteration is done, so the
        // non-escaping body outlives all uses; callers write disjoint ranges.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let lo = count * i / n, hi = count * (i + 1) / n
            body(i, lo..<hi)
        }
    }
}

#if canImport(Glibc)
import Glibc
private func ProcessInfo_activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#else
import Foundation
private func ProcessInfo_activeProcessorCount() -> Int { ProcessInfo.processInfo.activeProcessorCount }
#endif
