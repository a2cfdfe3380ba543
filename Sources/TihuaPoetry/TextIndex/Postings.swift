/// Ascending sequence numbers stored as u32 little-endian, the value of a
/// gram or facet entry.
enum Postings {
    static func decode(_ value: UnsafeRawBufferPointer) -> [UInt32] {
        (0..<(value.count / 4)).map { UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
    }

    /// The entries below `limit` (published ones), still ascending.
    static func decode(_ value: UnsafeRawBufferPointer, below limit: UInt32) -> [UInt32] {
        var out = decode(value)
        if let cut = out.firstIndex(where: { $0 >= limit }) { out.removeSubrange(cut...) }
        return out
    }

    static func encode(_ sequences: [UInt32]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sequences.count * 4)
        out.withUnsafeMutableBytes { raw in
            for (i, s) in sequences.enumerated() { raw.storeBytes(of: s.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return out
    }

    /// The intersection of ascending lists, ascending.
    static func intersect(_ lists: [[UInt32]]) -> [UInt32] {
        guard var result = lists.min(by: { $0.count < $1.count }) else { return [] }
        for list in lists where !result.isEmpty {
            var kept: [UInt32] = []
            var j = 0
            for s in result {
                while j < list.count && list[j] < s { j += 1 }
                if j < list.count && list[j] == s { kept.append(s) }
            }
            result = kept
        }
        return result
    }

    /// The union of ascending lists, ascending and without repeats.
    static func union(_ lists: [[UInt32]]) -> [UInt32] {
        if lists.count == 1 { return lists[0] }
        var all = lists.flatMap { $0 }
        all.sort()
        var unique = 0
        for v in all where unique == 0 || all[unique - 1] != v {
            all[unique] = v
            unique += 1
        }
        all.removeSubrange(unique...)
        return all
    }
}
