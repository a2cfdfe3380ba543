import Synchronization
import TihuaStore

/// Vector rows of poems given by sequence: a filter selects sequences, a
/// vector search works on rows. A few are looked up one by one (order →
/// record); many go through one pass over the records, kept for the
/// collection as it is (a search server asks again and again).
enum SequenceRows {
    /// Up to this many sequences are looked up one by one.
    static let lookupLimit = 2_048

    /// The vector rows of `sequences`, in the same order; poems without a
    /// vector are left out.
    static func rows(of sequences: [UInt32], in snapshot: CollectionSnapshot, index: TihuaIndex) throws -> [Int] {
        if sequences.count <= lookupLimit {
            return try sequences.compactMap { try snapshot.record(sequence: UInt64($0))?.vectorRow }
        }
        let map = try map(snapshot, index: index)
        return sequences.compactMap { s in
            let i = Int(s)
            return i < map.count && map[i] >= 0 ? Int(map[i]) : nil
        }
    }

    /// The vector row of every sequence below `nextSequence` (−1: none).
    private static func map(_ snapshot: CollectionSnapshot, index: TihuaIndex) throws -> [Int32] {
        let key = Key(path: index.path, info: snapshot.info)
        if let cached = cache.withLock({ $0?.key == key ? $0!.rows : nil }) { return cached }
        var rows = [Int32](repeating: -1, count: Int(min(snapshot.info.nextSequence, UInt64(Int32.max))))
        try snapshot.forEachRecordPosition { sequence, row in
            if let row, sequence < UInt64(rows.count) { rows[Int(sequence)] = Int32(row) }
            return true
        }
        cache.withLock { $0 = (key, rows) }
        return rows
    }

    /// The state of a collection a map was made for: any write changes its
    /// counters (records, sequences, rows, the IVF generation).
    struct Key: Equatable {
        let path: String
        let info: CollectionInfo
    }

    private static let cache = Mutex<(key: Key, rows: [Int32])?>(nil)
}
