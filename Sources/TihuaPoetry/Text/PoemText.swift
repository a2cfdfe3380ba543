/// Character-level views of (normalised) poem text: what counts as a
/// character of a line, the key under which duplicates meet, and the
/// character bigrams of the phrase index.
enum PoemText {
    /// Punctuation, spaces and control characters: not part of a poem's
    /// wording (a line's length, a duplicate's key, a phrase's characters).
    @inline(__always)
    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v >= 0x3400 && v <= 0x9FFF { return false }  // CJK ideographs (the bulk of every corpus)
        if v < 0x80 {
            let c = UInt8(v)
            return !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A))
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format:
            return true
        default:
            return false
        }
    }

    /// Characters of a line, punctuation and spaces not counted.
    static func characterCount(_ line: String) -> Int {
        var n = 0
        for s in line.unicodeScalars where !isSeparator(s) { n += 1 }
        return n
    }

    /// The key under which a poem meets its duplicates: a 64-bit FNV-1a
    /// hash of its normalised wording (punctuation, spaces and line breaks
    /// dropped). Equal keys are confirmed by comparing `wording`.
    static func duplicateKey(_ lines: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for line in lines {
            for s in line.unicodeScalars where !isSeparator(s) {
                var v = s.value
                for _ in 0..<3 {  // 21 bits in three bytes
                    hash = (hash ^ UInt64(v & 0xFF)) &* 0x0000_0100_0000_01B3
                    v >>= 8
                }
            }
        }
        return hash
    }

    /// The wording compared for duplicates.
    static func wording(_ lines: [String]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for line in lines { for s in line.unicodeScalars where !isSeparator(s) { out.append(s) } }
        return out
    }
}
