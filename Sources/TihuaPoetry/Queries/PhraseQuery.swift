import TihuaStore

/// A phrase to find in the normalised text of poems (`poems --contains`).
///
/// The phrase is normalised like the poems. Line-break punctuation and spaces
/// in it (`，。！？；,.!?;|`, whitespace) stand for line breaks: `明月，` finds
/// 明月 ending a line, `光，疑` a line ending in 光 followed by one starting
/// with 疑. A poem matches when its lines, joined by line breaks, contain the
/// phrase. Candidates come from the bigram index; each is checked against
/// the text.
public struct PhraseQuery: Sendable, Equatable {
    /// The normalised phrase.
    public let text: String
    /// Runs of characters between line breaks.
    let runs: [[UInt32]]
    let startsLine: Bool
    let endsLine: Bool

    static func isBoundary(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "，", "。", "！", "？", "；", ",", ".", "!", "?", ";", "|": return true
        default: return s.properties.isWhitespace
        }
    }

    /// `phrase` normalised with `converter`; nil when it holds no character
    /// other than line breaks.
    init?(_ phrase: String, converter: ScriptConverter) throws {
        let normalized = try converter.convert(phrase)
        var runs: [[UInt32]] = [[]]
        for s in normalized.unicodeScalars {
            if Self.isBoundary(s) {
                if !runs[runs.count - 1].isEmpty { runs.append([]) }
            } else {
                runs[runs.count - 1].append(s.value)
            }
        }
        if runs.last?.isEmpty == true { runs.removeLast() }
        guard !runs.isEmpty else { return nil }
        text = normalized
        self.runs = runs
        startsLine = normalized.unicodeScalars.first.map(Self.isBoundary) ?? false
        endsLine = normalized.unicodeScalars.last.map(Self.isBoundary) ?? false
    }

    /// Whether the postings alone decide a match: one run of one or two
    /// characters not tied to a line's start (a bigram, a prefix of bigrams,
    /// or a character ending a line). Otherwise candidates are checked
    /// against the text.
    var isExactByGrams: Bool {
        guard !startsLine, runs.count == 1 else { return false }
        return runs[0].count == 1 || (runs[0].count == 2 && !endsLine)
    }

    /// Index lookups whose postings every match is in.
    enum Lookup: Equatable {
        case gram(UInt64)
        /// Every gram of one first character (a one-character run).
        case first(Gram.Kind, UInt32)
    }

    func lookups(_ kind: Gram.Kind) -> [Lookup] {
        var out: [Lookup] = []
        for (i, run) in runs.enumerated() {
            for j in 0..<(run.count - 1) { out.append(.gram(Gram.code(kind, run[j], run[j + 1]))) }
            let endsHere = i < runs.count - 1 || endsLine
            if endsHere {
                out.append(.gram(Gram.code(kind, run[run.count - 1], Gram.endOfLine)))
            } else if run.count == 1 {
                out.append(.first(kind, run[0]))
            }
        }
        return out
    }

    /// The phrase as scalars with line breaks as `Gram.endOfLine`.
    private var needle: [UInt32] {
        var out: [UInt32] = startsLine ? [Gram.endOfLine] : []
        for (i, run) in runs.enumerated() {
            if i > 0 { out.append(Gram.endOfLine) }
            out += run
        }
        if endsLine { out.append(Gram.endOfLine) }
        return out
    }

    /// Where the phrase occurs in `lines` (normalised): for each line, the
    /// ranges of its scalars that are part of a match. Empty when it does not.
    public func matches(in lines: [String]) -> [[Range<Int>]] {
        var haystack: [UInt32] = [Gram.endOfLine]
        var lineOf: [(line: Int, offset: Int)] = [(-1, 0)]
        for (l, line) in lines.enumerated() {
            for (o, s) in line.unicodeScalars.enumerated() {
                haystack.append(s.value)
                lineOf.append((l, o))
            }
            haystack.append(Gram.endOfLine)
            lineOf.append((-1, 0))
        }
        let needle = self.needle
        var spans = [[Range<Int>]](repeating: [], count: lines.count)
        var found = false
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start] == needle[0], haystack[start..<(start + needle.count)].elementsEqual(needle) {
                found = true
                for p in start..<(start + needle.count) where lineOf[p].line >= 0 {
                    let (l, o) = lineOf[p]
                    if let last = spans[l].last, last.upperBound == o {
                        spans[l][spans[l].count - 1] = last.lowerBound..<(o + 1)
                    } else {
                        spans[l].append(o..<(o + 1))
                    }
                }
                start += needle.count
            } else {
                start += 1
            }
        }
        return found ? spans : []
    }

    /// The sequences (ascending, published) of poems that may contain the
    /// phrase in their lines (`.line`) or title (`.title`).
    func candidates(_ kind: Gram.Kind, tables: PoemTables, in txn: ReadTransaction, below limit: UInt32) throws -> [UInt32] {
        var lists: [[UInt32]] = []
        for lookup in lookups(kind) {
            switch lookup {
            case .gram(let code):
                let list = try txn.withValue(in: tables.grams, key: Gram.key(code)) { value in
                    value.map { Postings.decode($0, below: limit) } ?? []
                }
                if list.isEmpty { return [] }
                lists.append(list)
            case .first(let kind, let a):
                var union: [[UInt32]] = []
                let low = Gram.code(kind, a, 0), high = Gram.code(kind, a, Gram.endOfLine)
                try txn.forEachEntry(in: tables.grams, from: Gram.key(low)) { key, value in
                    guard let code = Gram.code(key: key), code <= high else { return false }
                    union.append(Postings.decode(value, below: limit))
                    return true
                }
                let list = Postings.union(union)
                if list.isEmpty { return [] }
                lists.append(list)
            }
        }
        return Postings.intersect(lists)
    }
}
