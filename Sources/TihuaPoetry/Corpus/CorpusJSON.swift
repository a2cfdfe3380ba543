/// A strict JSON reader for one corpus record (a CCPC line, an element of a
/// chinese-poetry array), over raw bytes.
///
/// It checks the whole value against RFC 8259 and decodes only the fields a
/// format uses; every other value is checked and skipped without being
/// built. What it refuses, it names: a syntax error and its byte, nesting
/// deeper than `CorpusLimits.maxDepth`, a field of the wrong type, a field
/// that is not valid UTF-8, a field longer than its bound (checked before
/// the field is decoded, so a 100 MB string is never materialised).
struct CorpusJSON {
    /// The fields of a record a format reads. Strings are nil when absent
    /// or null.
    struct Record {
        var title: String?, rhythmic: String?, author: String?, id: String?
        var dynasty: String?, content: String?, keywords: String?
        var paragraphs: [String]?
        /// The first field-level problem, in reading order.
        var problem: String?
    }

    /// Field names a reader asks for, with their kinds and byte bounds.
    enum Key: String, CaseIterable {
        case title, rhythmic, author, id, dynasty, content, keywords, paragraphs

        /// Most bytes the literal may take before decoding (6 per escaped character).
        var maxLiteralBytes: Int {
            switch self {
            case .title, .rhythmic: return 6 * CorpusLimits.maxTitleCharacters + 2
            case .author, .dynasty: return 6 * CorpusLimits.maxNameCharacters + 2
            case .id: return 6 * 480 + 2
            case .keywords: return 6 * CorpusLimits.maxKeywords * (CorpusLimits.maxKeywordCharacters + 1) + 2
            case .content, .paragraphs:
                return 6 * (CorpusLimits.maxPoemCharacters + 2 * CorpusLimits.maxLines) + 2
            }
        }

        var bound: String {
            switch self {
            case .title, .rhythmic: return "\(CorpusLimits.maxTitleCharacters.grouped) characters"
            case .author, .dynasty: return "\(CorpusLimits.maxNameCharacters) characters"
            case .id: return "480 bytes"
            case .keywords: return "\(CorpusLimits.maxKeywords) keywords"
            case .content, .paragraphs: return "\(CorpusLimits.maxPoemCharacters.grouped) characters"
            }
        }
    }

    /// Why a record is not valid JSON at all (the record is then unusable).
    struct SyntaxError: Error {
        let reason: String
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Reads `bytes` as one JSON object (surrounding whitespace allowed),
    /// decoding the fields in `keys`. `.failure` carries the reason the
    /// record is unusable: a syntax error, too deep, or not an object.
    static func record(_ bytes: UnsafeRawBufferPointer, keys: Set<Key>) -> Result<Record, SyntaxError> {
        var reader = CorpusJSON(bytes)
        do {
            reader.skipWhitespace()
            guard !reader.atEnd else { throw SyntaxError(reason: "not valid JSON: empty") }
            guard reader.current == UInt8(ascii: "{") else {
                try reader.skipValue(depth: 1)
                reader.skipWhitespace()
                if !reader.atEnd { throw reader.syntax("unexpected bytes after the JSON value") }
                return .failure(SyntaxError(reason: "not a JSON object"))
            }
            let record = try reader.readObject(keys: keys)
            reader.skipWhitespace()
            if !reader.atEnd { throw reader.syntax("unexpected bytes after the JSON value") }
            return .success(record)
        } catch let error as SyntaxError {
            return .failure(error)
        } catch {
            return .failure(SyntaxError(reason: "not valid JSON"))
        }
    }

    /// Whether `bytes` hold exactly one JSON value (of any shape).
    static func isOneValue(_ bytes: UnsafeRawBufferPointer) -> (valid: Bool, isObject: Bool) {
        var reader = CorpusJSON(bytes)
        reader.skipWhitespace()
        let isObject = !reader.atEnd && reader.current == UInt8(ascii: "{")
        do {
            try reader.skipValue(depth: 1)
            reader.skipWhitespace()
            return (reader.atEnd, isObject)
        } catch {
            return (false, isObject)
        }
    }

    // MARK: Reading

    private var atEnd: Bool { i >= bytes.count }
    private var current: UInt8 { bytes[i] }

    private func syntax(_ what: String) -> SyntaxError {
        SyntaxError(reason: "not valid JSON: \(what) at byte \(i + 1)")
    }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func readObject(keys: Set<Key>) throws -> Record {
        var record = Record()
        var seen = Set<Key>()
        func note(_ problem: String) { if record.problem == nil { record.problem = problem } }
        i += 1  // {
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "}") { i += 1; return record }
        while true {
            skipWhitespace()
            guard !atEnd else { throw syntax("unexpected end of input in an object") }
            guard current == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
            let keyLiteral = try scanString()
            let key = knownKey(keyLiteral, in: keys)
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: ":") else { throw syntax(atEnd ? "unexpected end of input" : "expected ':'") }
            i += 1
            skipWhitespace()
            guard !atEnd else { throw syntax("unexpected end of input") }
            if let key {
                if !seen.insert(key).inserted { note("\"\(key.rawValue)\" appears twice") }
                if key == .paragraphs {
                    let (lines, problem) = try readStringList(key)
                    if let problem { note(problem) } else { record.paragraphs = lines }
                } else {
                    let (value, problem) = try readOptionalString(key)
                    if let problem { note(problem) } else { record.set(key, value) }
                }
            } else {
                try skipValue(depth: 2)
            }
            skipWhitespace()
            guard !atEnd else { throw syntax("unexpected end of input in an object") }
            if current == UInt8(ascii: ",") { i += 1; continue }
            if current == UInt8(ascii: "}") { i += 1; return record }
            throw syntax("expected ',' or '}'")
        }
    }

    /// The key if it is one of `keys` (keys are compared as raw bytes: a
    /// known key is plain ASCII).
    private func knownKey(_ literal: StringLiteral, in keys: Set<Key>) -> Key? {
        guard !literal.escaped else { return nil }
        let span = UnsafeRawBufferPointer(rebasing: bytes[literal.start..<literal.end])
        for key in keys where key.rawValue.utf8.elementsEqual(span) { return key }
        return nil
    }

    /// A string field, or null; any other value is a problem (and skipped).
    private mutating func readOptionalString(_ key: Key) throws -> (String?, String?) {
        switch current {
        case UInt8(ascii: "\""):
            let literal = try scanString()
            if literal.end - literal.start > key.maxLiteralBytes {
                return (nil, "\"\(key.rawValue)\" is longer than \(key.bound)")
            }
            switch decode(literal) {
            case .success(let s): return (s, nil)
            case .failure(let problem): return (nil, "\"\(key.rawValue)\" \(problem.reason)")
            }
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return (nil, nil)
        default:
            try skipValue(depth: 2)
            return (nil, "\"\(key.rawValue)\" is not a string")
        }
    }

    /// A list of strings (or null). Its literal bytes together are bounded
    /// like one poem; past the bound, elements are checked but not decoded.
    private mutating func readStringList(_ key: Key) throws -> ([String]?, String?) {
        if current == UInt8(ascii: "n") {
            try expectLiteral("null")
            return (nil, nil)
        }
        guard current == UInt8(ascii: "[") else {
            try skipValue(depth: 2)
            return (nil, "\"\(key.rawValue)\" is not a list of strings")
        }
        i += 1
        var out: [String] = []
        var problem: String?
        var literalBytes = 0
        var count = 0
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "]") { i += 1; return (out, nil) }
        while true {
            skipWhitespace()
            guard !atEnd else { throw syntax("unexpected end of input in an array") }
            if current == UInt8(ascii: "\"") {
                let literal = try scanString()
                literalBytes += literal.end - literal.start
                count += 1
                if problem == nil {
                    if count > CorpusLimits.maxLines {
                        problem = "\"\(key.rawValue)\" has more than \(CorpusLimits.maxLines.grouped) entries"
                    } else if literalBytes > key.maxLiteralBytes {
                        problem = "\"\(key.rawValue)\" is longer than \(key.bound)"
                    } else {
                        switch decode(literal) {
                        case .success(let s): out.append(s)
                        case .failure(let failure): problem = "\"\(key.rawValue)\" \(failure.reason)"
                        }
                    }
                }
            } else {
                try skipValue(depth: 3)
                if problem == nil { problem = "\"\(key.rawValue)\" is not a list of strings" }
            }
            skipWhitespace()
            guard !atEnd else { throw syntax("unexpected end of input in an array") }
            if current == UInt8(ascii: ",") { i += 1; continue }
            if current == UInt8(ascii: "]") { i += 1; break }
            throw syntax("expected ',' or ']'")
        }
        return problem == nil ? (out, nil) : (nil, problem)
    }

    /// Checks and skips any value; `depth` is the value's nesting level.
    private mutating func skipValue(depth: Int) throws {
        guard depth <= CorpusLimits.maxDepth else {
            throw SyntaxError(reason: "JSON nested more than \(CorpusLimits.maxDepth) levels deep")
        }
        guard !atEnd else { throw syntax("unexpected end of input") }
        switch current {
        case UInt8(ascii: "{"):
            i += 1
            skipWhitespace()
            if !atEnd, current == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipWhitespace()
                guard !atEnd else { throw syntax("unexpected end of input in an object") }
                guard current == UInt8(ascii: "\"") else { throw syntax("expected a string key") }
                _ = try scanString()
                skipWhitespace()
                guard !atEnd, current == UInt8(ascii: ":") else { throw syntax(atEnd ? "unexpected end of input" : "expected ':'") }
                i += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard !atEnd else { throw syntax("unexpected end of input in an object") }
                if current == UInt8(ascii: ",") { i += 1; continue }
                if current == UInt8(ascii: "}") { i += 1; return }
                throw syntax("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            skipWhitespace()
            if !atEnd, current == UInt8(ascii: "]") { i += 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard !atEnd else { throw syntax("unexpected end of input in an array") }
                if current == UInt8(ascii: ",") { i += 1; continue }
                if current == UInt8(ascii: "]") { i += 1; return }
                throw syntax("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            let literal = try scanString()
            // Strings that are skipped must still be text.
            if case .failure(let problem) = decode(literal, validateOnly: true) { throw syntax("a string \(problem.reason)") }
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw syntax("unexpected character")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw syntax("unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw syntax("unknown literal") }
        i += n
    }

    private mutating func skipNumber() throws {
        func digits() -> Int {
            let start = i
            while !atEnd, current >= 0x30 && current <= 0x39 { i += 1 }
            return i - start
        }
        if current == UInt8(ascii: "-") { i += 1 }
        guard !atEnd, current >= 0x30 && current <= 0x39 else { throw syntax("malformed number") }
        if current == UInt8(ascii: "0") { i += 1 } else { _ = digits() }
        if !atEnd, current == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw syntax("malformed number") }
        }
        if !atEnd, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if !atEnd, current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw syntax("malformed number") }
        }
    }

    // MARK: Strings

    /// A string literal's bytes between its quotes, not yet decoded.
    struct StringLiteral {
        let start: Int
        let end: Int
        /// Whether it holds escapes (else its bytes are the string's UTF-8).
        let escaped: Bool
    }

    /// Scans a string literal (at its opening quote): escapes are checked for
    /// form, unescaped control characters refused.
    private mutating func scanString() throws -> StringLiteral {
        i += 1
        let start = i
        var escaped = false
        while true {
            guard i < bytes.count else { throw syntax("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return StringLiteral(start: start, end: i - 1, escaped: escaped)
            }
            if c < 0x20 { throw syntax("unescaped control character in a string") }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < bytes.count else { throw syntax("unterminated escape") }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 6 <= bytes.count, (2..<6).allSatisfy({ Self.hexValue(bytes[i + $0]) != nil }) else {
                        throw syntax("bad \\u escape")
                    }
                    i += 6
                default:
                    throw syntax("unknown escape")
                }
                continue
            }
            i += 1
        }
    }

    struct DecodeFailure: Error { let reason: String }

    /// The literal as a Swift string: its bytes must be valid UTF-8 and its
    /// `\u` escapes valid UTF-16 (surrogates in pairs).
    private func decode(_ literal: StringLiteral, validateOnly: Bool = false) -> Result<String, DecodeFailure> {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[literal.start..<literal.end])
        if !literal.escaped {
            if validateOnly { return Self.isValidUTF8(raw) ? .success("") : .failure(DecodeFailure(reason: "is not valid UTF-8")) }
            guard let s = String(validating: raw, as: UTF8.self) else { return .failure(DecodeFailure(reason: "is not valid UTF-8")) }
            return .success(s)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let c = raw[k]
            guard c == UInt8(ascii: "\\") else { out.append(c); k += 1; continue }
            let e = raw[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(raw, k)
                k += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard k + 6 <= raw.count, raw[k] == UInt8(ascii: "\\"), raw[k + 1] == UInt8(ascii: "u") else {
                        return .failure(DecodeFailure(reason: "has an unpaired surrogate escape"))
                    }
                    let low = Self.hex4(raw, k + 2)
                    guard (0xDC00..<0xE000).contains(low) else {
                        return .failure(DecodeFailure(reason: "has an unpaired surrogate escape"))
                    }
                    k += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    return .failure(DecodeFailure(reason: "has an unpaired surrogate escape"))
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { return .failure(DecodeFailure(reason: "is not valid UTF-8")) }
        return .success(validateOnly ? "" : s)
    }

    private static func isValidUTF8(_ raw: UnsafeRawBufferPointer) -> Bool {
        var iterator = raw.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | hexValue(raw[at + $1])! }
    }
}

extension CorpusJSON.Record {
    fileprivate mutating func set(_ key: CorpusJSON.Key, _ value: String?) {
        switch key {
        case .title: title = value
        case .rhythmic: rhythmic = value
        case .author: author = value
        case .id: id = value
        case .dynasty: dynasty = value
        case .content: content = value
        case .keywords: keywords = value
        case .paragraphs: break
        }
    }
}

extension Int {
    /// 20000 → "20,000" (for messages).
    var grouped: String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (n, c) in digits.reversed().enumerated() {
            if n > 0 && n % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + String(out.reversed())
    }
}
