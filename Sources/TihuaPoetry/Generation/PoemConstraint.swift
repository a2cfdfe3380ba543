import TihuaModels

/// Constrains GPT-2 decoding to a well-formed poem: `form.lines` lines of
/// `form.lineLength` CJK characters (5 or 7; when free, line 1 decides at
/// its fifth character), each followed by its separator — `|` between lines
/// and the stop ([SEP]) after the last in the keywords layout; `，` after
/// odd lines, `。` after even ones and then the stop in the punctuated
/// layout — and nothing else. Optionally no character twice, a given
/// first character per line (acrostic), and lines 2, 4, 6, 8 ending in
/// rhyming characters (by the corpus rhyme table: the end of line 2 is
/// chosen among characters that have rhymes; later even lines end with one
/// of them). Every step leaves at least one token allowed, so every
/// sequence ends as a poem of the form.
///
/// Keyword guidance (soft, never a mask): while a keyword is not yet in
/// the poem and still fits in the line, its first character's logit gets
/// `keywordBias`; once that character is written, the keyword's next
/// character gets twice that, so a started keyword tends to be finished.
public struct PoemConstraint: TokenConstraint {
    public enum Layout: Sendable, Equatable {
        /// Lines joined by `|`, ended by the stop.
        case keywords
        /// `，` after lines 1, 3, 5, 7; `。` after 2, 4, 6, 8; then the stop.
        case punctuated
    }

    public struct Rules: Sendable, Equatable {
        public var form: PoemForm
        public var layout: Layout
        public var noRepeat: Bool
        public var rhyme: Bool
        /// Line i's forced first character token (acrostic), nil where free.
        public var lineStarts: [Int?]
        /// The keywords to guide towards, as character tokens.
        public var keywords: [[Int32]]
        /// The logit added to a keyword's first character (0: no guidance).
        public var keywordBias: Float

        public init(form: PoemForm = .quatrain, layout: Layout = .keywords, noRepeat: Bool = false, rhyme: Bool = false,
                    lineStarts: [Int?] = [], keywords: [[Int32]] = [], keywordBias: Float = 0) {
            self.form = form
            self.layout = layout
            self.noRepeat = noRepeat
            self.rhyme = rhyme
            self.lineStarts = lineStarts
            self.keywords = keywords.filter { !$0.isEmpty }
            self.keywordBias = keywordBias
        }
    }

    let vocabulary: PoemVocabulary
    public let rules: Rules
    /// Characters a line, once known.
    public private(set) var lineLength: Int?
    /// Lines completed (their separator accepted).
    public private(set) var line = 0
    /// Characters of the current line so far.
    public private(set) var column = 0
    private var used: [Int32] = []
    private var anchor: Int32?
    /// Keywords already in the poem.
    private var written: [Bool]
    /// The keyword being written and the index of its next character.
    private var inProgress: (keyword: Int, next: Int)?
    private let reserved: [Int32]
    private let separatorBar: Int, separatorComma: Int, separatorPeriod: Int

    /// `prefix`: character tokens already in the prompt at the start of line 1 (an opening keyword).
    public init(vocabulary: PoemVocabulary, rules: Rules, prefix: [Int] = []) {
        self.vocabulary = vocabulary
        self.rules = rules
        lineLength = rules.form.lineLength
        reserved = rules.lineStarts.compactMap { $0.map(Int32.init) }
        written = Array(repeating: false, count: rules.keywords.count)
        // A layout whose separator the vocabulary lacks falls back to the stop token
        // (generation then ends early: the caller picks a layout the vocabulary has).
        separatorBar = vocabulary.bar ?? vocabulary.stop
        separatorComma = vocabulary.comma ?? vocabulary.stop
        separatorPeriod = vocabulary.period ?? vocabulary.stop
        for token in prefix { accept(token) }
    }

    /// Whether the constraint allows nothing but the stop now.
    public var isComplete: Bool { line == rules.form.lines }

    /// The token that ends line `i` (0-based).
    private func separator(after i: Int) -> Int {
        switch rules.layout {
        case .keywords: return i == rules.form.lines - 1 ? vocabulary.stop : separatorBar
        case .punctuated: return i % 2 == 0 ? separatorComma : separatorPeriod
        }
    }

    public mutating func constrain(_ logits: UnsafeMutableBufferPointer<Float>) {
        precondition(logits.count == vocabulary.size, "logits of \(logits.count) tokens for a vocabulary of \(vocabulary.size)")
        if isComplete { return Self.allow([vocabulary.stop], in: logits) }
        let length = lineLength ?? 7
        if column == length { return Self.allow([separator(after: line)], in: logits) }
        if column == 0, line < rules.lineStarts.count, let start = rules.lineStarts[line] {
            return Self.allow([start], in: logits)
        }
        let rhymePosition = rules.rhyme && vocabulary.knowsRhymes && line % 2 == 1 && lineLength != nil && column == length - 1
        if rhymePosition, let anchor {
            var allowed = (vocabulary.rhymes[anchor] ?? []) + (rules.noRepeat ? [] : [anchor])
            if rules.noRepeat { allowed.removeAll { used.contains($0) } }
            if allowed.isEmpty { allowed = [anchor] + (vocabulary.rhymes[anchor] ?? []) }  // the rhyme matters more than the repeat
            return Self.allow(allowed.map(Int.init), in: logits)
        }
        // Characters (the line-5 choice keeps the separator too), minus the excluded ones.
        let keep = lineLength == nil && column == 5 ? separator(after: line) : nil
        let kept = keep.map { logits[$0] }
        if rhymePosition {
            // The first rhyme: a character with rhymes to spare, else with any, else any character.
            let masks = vocabulary.rhymableMasks
            let saved = Array(logits)
            for mask in [rules.form.lines == 8 ? masks.octave : masks.quatrain, masks.any, vocabulary.characterMask] {
                Self.add(mask, to: logits)
                if rules.noRepeat { for id in used + reserved { logits[Int(id)] = -.infinity } }
                if logits.contains(where: { $0 > -.infinity }) { break }
                _ = logits.update(fromContentsOf: saved)
            }
        } else {
            Self.add(vocabulary.characterMask, to: logits)
            if rules.noRepeat { for id in used + reserved { logits[Int(id)] = -.infinity } }
        }
        guideTowardsKeywords(logits, room: length - column)
        if let keep, let kept { logits[keep] = kept }
    }

    /// Adds the keyword bias (−∞ stays −∞: guidance never allows a token).
    private func guideTowardsKeywords(_ logits: UnsafeMutableBufferPointer<Float>, room: Int) {
        guard rules.keywordBias != 0 else { return }
        if let (k, next) = inProgress {
            logits[Int(rules.keywords[k][next])] += 2 * rules.keywordBias
            return
        }
        // Keywords sharing a first character add one bias; no allocation on this per-token path.
        let wanted = { (k: Int) in !self.written[k] && self.rules.keywords[k].count <= room }
        for k in rules.keywords.indices where wanted(k) {
            let first = rules.keywords[k][0]
            if rules.keywords[..<k].indices.contains(where: { wanted($0) && rules.keywords[$0][0] == first }) { continue }
            logits[Int(first)] += rules.keywordBias
        }
    }

    /// Follows keywords through the characters written.
    private mutating func trackKeywords(_ id: Int32, room: Int) {
        guard !rules.keywords.isEmpty else { return }
        if let (k, next) = inProgress {
            inProgress = nil
            if rules.keywords[k][next] == id {
                if next + 1 == rules.keywords[k].count { written[k] = true } else { inProgress = (k, next + 1) }
                return
            }
        }
        for (k, keyword) in rules.keywords.enumerated() where !written[k] && keyword[0] == id && keyword.count <= room {
            if keyword.count == 1 { written[k] = true } else { inProgress = (k, 1) }
            return
        }
    }

    public mutating func accept(_ token: Int) {
        guard !isComplete else { return }
        let length = lineLength ?? 7
        let isSeparator = token == separator(after: line) && (column == length || (lineLength == nil && column == 5))
        if isSeparator {
            if lineLength == nil { lineLength = column }
            line += 1
            column = 0
            inProgress = nil
            return
        }
        let id = Int32(token)
        used.append(id)
        trackKeywords(id, room: length - column)
        if rules.rhyme && line % 2 == 1 && anchor == nil && lineLength != nil && column == length - 1 { anchor = id }
        column += 1
    }

    /// Keeps only `ids` (their values; 0 for one the model scored −∞, so one stays possible).
    static func allow(_ ids: [Int], in logits: UnsafeMutableBufferPointer<Float>) {
        let values = ids.map { logits[$0] }
        logits.update(repeating: -.infinity)
        for (id, v) in zip(ids, values) { logits[id] = v > -.infinity ? v : 0 }
    }

    /// logits += mask, eight at a time.
    @_optimize(speed)
    static func add(_ mask: [Float], to logits: UnsafeMutableBufferPointer<Float>) {
        mask.withUnsafeBufferPointer { m in
            let n = logits.count
            var i = 0
            let rl = UnsafeMutableRawPointer(logits.baseAddress!), rm = UnsafeRawPointer(m.baseAddress!)
            while i + 8 <= n {
                let v = rl.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) + rm.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                rl.storeBytes(of: v, toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { logits[i] += m[i]; i += 1 }
        }
    }
}
