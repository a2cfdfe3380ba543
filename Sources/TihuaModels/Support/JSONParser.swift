/// A strict RFC 8259 JSON parser over raw bytes. Errors name the file and
/// the byte offset. Duplicate object keys and nesting deeper than
/// `maxDepth` are refused (a header is flat; deep nesting is an attack).
public struct JSONParser {
    public static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private let baseOffset: Int
    private var i = 0

    /// Parses one JSON document filling `bytes` (surrounding whitespace allowed).
    /// `source` names the file in errors; `baseOffset` is added to reported
    /// offsets (a safetensors header starts at byte 8 of its file).
    public static func parse(_ bytes: UnsafeRawBufferPointer, source: String, baseOffset: Int = 0) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, source: source, baseOffset: baseOffset)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.i != bytes.count { throw parser.fail("unexpected bytes after the JSON value") }
        return value
    }

    public static func parse(_ bytes: [UInt8], source: String) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0, source: source) }
    }

    private init(bytes: UnsafeRawBufferPointer, source: String, baseOffset: Int) {
        self.bytes = bytes
        self.source = source
        self.baseOffset = baseOffset
    }

    private func fail(_ what: String) -> ModelError {
        ModelError(.format, "\(source): invalid JSON at byte \(baseOffset + i): \(what)")
    }

    private var atEnd: Bool { i >= bytes.count }
    private var current: UInt8 { bytes[i] }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
            i += 1
        }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        guard !atEnd else { throw fail("unexpected end of input") }
        switch current {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("unknown literal") }
        i += n
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        i += 1  // {
        var object: [String: JSONValue] = [:]
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "}") { i += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyStart = i
            let key = try parseString()
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if object.updateValue(value, forKey: key) != nil {
                i = keyStart
                throw fail("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard !atEnd else { throw fail("unexpected end of input in an object") }
            if current == UInt8(ascii: ",") { i += 1; continue }
            if current == UInt8(ascii: "}") { i += 1; return .object(object) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        i += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "]") { i += 1; return .array(array) }
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard !atEnd else { throw fail("unexpected end of input in an array") }
            if current == UInt8(ascii: ",") { i += 1; continue }
            if current == UInt8(ascii: "]") { i += 1; return .array(array) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        guard !atEnd, isDigit(current) else { throw fail("malformed number") }
        if current == UInt8(ascii: "0") {
            i += 1
        } else {
            while !atEnd, isDigit(current) { i += 1 }
        }
        if !atEnd, current == UInt8(ascii: ".") {
            i += 1
            guard !atEnd, isDigit(current) else { throw fail("malformed number") }
            while !atEnd, isDigit(current) { i += 1 }
        }
        if !atEnd, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if !atEnd, current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard !atEnd, isDigit(current) else { throw fail("malformed number") }
            while !atEnd, isDigit(current) { i += 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Parses a string literal; the bytes must be valid UTF-8 and control
    /// characters must be escaped.
    private mutating func parseString() throws -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard !atEnd else { throw fail("unterminated string") }
            let c = current
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                i += 1
                break
            }
            if c < 0x20 { throw fail("unescaped control character in a string") }
            if c != UInt8(ascii: "\\") { i += 1; continue }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
            i += 1
            guard !atEnd else { throw fail("unterminated escape") }
            let e = current
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low surrogate.
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                    else { throw fail("unpaired surrogate escape") }
                    i += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate escape")
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default:
                throw fail("unknown escape")
            }
            runStart = i
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = current
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
