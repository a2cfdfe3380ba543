/// Character bigrams of normalised text: the terms of the phrase index.
///
/// A gram is two consecutive Unicode scalars of one line, or a line's last
/// scalar followed by `endOfLine`; so every character of a line starts
/// exactly one gram, and a one-character phrase is found by a prefix scan.
/// Titles are indexed the same way under another kind. A code packs
/// kind (1 bit) · first scalar (21 bits) · second scalar (21 bits); its key
/// is the code as 6 bytes big-endian, so key order is code order and all
/// grams of one first character are adjacent.
enum Gram {
    enum Kind: UInt64 { case line = 0, title = 1 }

    static let endOfLine: UInt32 = 0x1F_FFFF

    @inline(__always)
    static func code(_ kind: Kind, _ a: UInt32, _ b: UInt32) -> UInt64 {
        kind.rawValue << 42 | UInt64(a) << 21 | UInt64(b)
    }

    static let keyBytes = 6

    static func key(_ code: UInt64) -> [UInt8] {
        (0..<keyBytes).map { UInt8(truncatingIfNeeded: code >> (8 * (keyBytes - 1 - $0))) }
    }

    static func code(key: UnsafeRawBufferPointer) -> UInt64? {
        guard key.count == keyBytes else { return nil }
        return key.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The grams of `lines` (as `kind`), in order, with repeats.
    static func codes(_ lines: [String], kind: Kind, into out: inout [UInt64]) {
        for line in lines {
            var previous: UInt32?
            for s in line.unicodeScalars {
                if let p = previous { out.append(code(kind, p, s.value)) }
                previous = s.value
            }
            if let p = previous { out.append(code(kind, p, endOfLine)) }
        }
    }

    /// The line and title grams of a normalised poem, in text order and with
    /// repeats, appended to `out` (an import sorts all of them at once).
    static func appendCodes(of poem: Poem, to out: inout [UInt64]) {
        codes(poem.normalizedLines, kind: .line, into: &out)
        if let title = poem.normalizedTitle { codes([title], kind: .title, into: &out) }
    }

    /// The distinct line and title grams of a normalised poem, ascending.
    static func codes(of poem: Poem) -> [UInt64] {
        var out: [UInt64] = []
        appendCodes(of: poem, to: &out)
        out.sort()
        var unique = 0
        for v in out where unique == 0 || out[unique - 1] != v {
            out[unique] = v
            unique += 1
        }
        out.removeSubrange(unique...)
        return out
    }
}
