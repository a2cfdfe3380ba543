/// Splits a JSON array into the byte ranges of its elements (with the line
/// each starts on) by tracking strings and nesting only — enough to decode
/// elements one by one and to name the line of a broken one.
enum JSONArraySplitter {
    struct Element { let range: Range<Int>; let line: Int }
    struct Failure: Error { let line: Int; let reason: String }

    static func split(_ bytes: UnsafeRawBufferPointer) -> Result<[Element], Failure> {
        var line = 1
        var i = CorpusFiles.byteOrderMarkLength(bytes)
        func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[i]) {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            return .failure(Failure(line: line, reason: "not a JSON array"))
        }
        i += 1
        var elements: [Element] = []
        var depth = 0, inString = false, escaped = false
        var start: Int?, startLine = line
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch b {
            case 0x20, 0x09, 0x0D, 0x0A:
                break
            case UInt8(ascii: "\""):
                inString = true
                if start == nil { start = i; startLine = line }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if start == nil { start = i; startLine = line }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 {
                    guard b == UInt8(ascii: "]") else { return .failure(Failure(line: line, reason: "unbalanced '}'")) }
                    if let s = start { elements.append(Element(range: s..<i, line: startLine)) }
                    i += 1
                    skipSpace()
                    guard i == bytes.count else {
                        return .failure(Failure(line: line, reason: "not valid JSON: unexpected bytes after the array"))
                    }
                    return .success(elements)
                }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 0 {
                    guard let s = start else { return .failure(Failure(line: line, reason: "empty array element")) }
                    elements.append(Element(range: s..<i, line: startLine))
                    start = nil
                }
            default:
                if start == nil { start = i; startLine = line }
            }
            i += 1
        }
        return .failure(Failure(line: line, reason: "JSON array ends early (no closing ']')"))
    }
}
