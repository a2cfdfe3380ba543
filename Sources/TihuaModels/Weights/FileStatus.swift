#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file without reading it: device, inode,
/// size, and modification and change times to the nanosecond. The change
/// time (ctime) moves on every write and cannot be set back by `touch`, so a
/// file whose status is unchanged still holds the bytes it held.
public struct FileStatus: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int
    public let modified: Int64   // ns since the epoch
    public let changed: Int64    // ns since the epoch

    init(_ s: stat) {
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        size = Int(s.st_size)
        modified = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        changed = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
    }

    /// A stable text form, used as part of a cache key.
    var key: String { "\(device):\(inode):\(size):\(modified):\(changed)" }
}
