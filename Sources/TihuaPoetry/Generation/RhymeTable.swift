import TihuaStore

/// Which line endings rhyme, derived from the corpus itself.
///
/// In a regulated poem the even lines (2, 4, 6, 8) share a rhyme, so the
/// final characters of the even lines of one poem are rhyming pairs. Counting
/// such pairs over the corpus gives a table of attested rhymes; a pair seen
/// in at least `minimumSupport` poems is taken to rhyme (a pair seen once
/// may be an irregular poem or a wrong split). Characters rhyme with
/// themselves. Stored with the poems as the attachment `rhymes`.
public struct RhymeTable: Sendable, Equatable {
    /// Unordered pair (lower scalar first) → poems attesting it.
    public private(set) var pairs: [Pair: Int] = [:]
    public var minimumSupport = 2

    /// Final characters are single scalars (CJK); comparing and hashing
    /// scalars, not grapheme clusters, keeps counting 311k poems cheap.
    public struct Pair: Hashable, Sendable {
        public let a: Unicode.Scalar
        public let b: Unicode.Scalar
        public init(_ x: Unicode.Scalar, _ y: Unicode.Scalar) {
            (a, b) = x.value <= y.value ? (x, y) : (y, x)
        }
        public init(_ x: Character, _ y: Character) {
            self.init(x.unicodeScalars.first!, y.unicodeScalars.first!)
        }

        init(_ code: UInt64) {
            self.init(Unicode.Scalar(UInt32(truncatingIfNeeded: code >> 32))!, Unicode.Scalar(UInt32(truncatingIfNeeded: code))!)
        }
    }

    public init() {}

    /// Counts the rhymes of `poems` (their normalised lines: 5- or
    /// 7-character lines, at least four, all of one length).
    public mutating func add<S: Sequence>(_ poems: S) where S.Element == Poem {
        for poem in poems { add(lines: poem.normalizedLines) }
    }

    public mutating func add(lines: [String]) { count(lines, by: 1) }

    /// Takes back what `add(lines:)` counted (a poem that was not imported after all).
    public mutating func remove(lines: [String]) { count(lines, by: -1) }

    private mutating func count(_ lines: [String], by delta: Int) {
        var codes: [UInt64] = []
        Self.appendPairs(of: lines, to: &codes)
        for code in codes {
            let pair = Pair(code)
            let n = pairs[pair, default: 0] + delta
            pairs[pair] = n > 0 ? n : nil
        }
    }

    /// The pairs `lines` attest (5- or 7-character lines, at least four, all
    /// of one length), as codes (lower scalar << 32 | higher), appended to
    /// `codes`: an import gathers them for all its poems and counts them at
    /// once (`add(pairCodes:)`), which costs far less than a dictionary
    /// update per poem.
    static func appendPairs(of lines: [String], to codes: inout [UInt64]) {
        // Scalar counts from UTF-8 lead bytes (this runs on every poem of an import).
        func scalars(_ line: String) -> Int { line.utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        guard lines.count >= 4, let length = lines.first.map(scalars), length == 5 || length == 7,
              lines.allSatisfy({ scalars($0) == length }) else { return }
        var finals: [Unicode.Scalar] = []
        for i in stride(from: 1, to: lines.count, by: 2) {
            if let last = lines[i].unicodeScalars.last, !finals.contains(last) { finals.append(last) }
        }
        for i in finals.indices {
            for j in finals.indices where j > i {
                let pair = Pair(finals[i], finals[j])
                codes.append(UInt64(pair.a.value) << 32 | UInt64(pair.b.value))
            }
        }
    }

    /// Counts pairs given as codes (one per attesting poem).
    mutating func add(pairCodes: [UInt64]) {
        var sorted = pairCodes
        sorted.sort()
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && sorted[j] == sorted[i] { j += 1 }
            pairs[Pair(sorted[i]), default: 0] += j - i
            i = j
        }
    }

    public mutating func merge(_ other: RhymeTable) {
        for (pair, count) in other.pairs { pairs[pair, default: 0] += count }
    }

    public func rhymes(_ x: Character, _ y: Character) -> Bool {
        x == y || (pairs[Pair(x, y)] ?? 0) >= minimumSupport
    }

    // MARK: Storage: one "a b count" line per pair

    static let attachmentName = "rhymes"

    /// The table stored with the poems of `index` (empty if none).
    public static func stored(in index: TihuaIndex) throws -> RhymeTable {
        guard let poems = try index.collection(BuiltinCollection.poems) else { return RhymeTable() }
        return try index.read { txn in
            try txn.snapshot(poems).attachment(attachmentName).map { bytes in bytes.withUnsafeBytes { RhymeTable(encoded: $0) } } ?? RhymeTable()
        }
    }

    public func encoded() -> [UInt8] {
        var text = ""
        for (pair, count) in pairs.sorted(by: { ($0.key.a.value, $0.key.b.value) < ($1.key.a.value, $1.key.b.value) }) {
            text += "\(pair.a) \(pair.b) \(count)\n"
        }
        return Array(text.utf8)
    }

    /// Reads the stored form; lines that do not parse are ignored (the table
    /// is derived data and can be rebuilt by importing again).
    public init(encoded bytes: UnsafeRawBufferPointer) {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0].unicodeScalars.count == 1, parts[1].unicodeScalars.count == 1,
                  let n = Int(parts[2]) else { continue }
            pairs[Pair(parts[0].unicodeScalars.first!, parts[1].unicodeScalars.first!), default: 0] += n
        }
    }
}
