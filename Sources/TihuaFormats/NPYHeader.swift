
/// Parser of the `.npy` header: magic, version, length, and the Python
/// dictionary literal `{'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }`.
package struct NPYHeader: Equatable {
    package let rows: Int
    package let columns: Int
    package let type: NPYFile.ElementType
    package let dataOffset: Int

    static let maxHeaderBytes = 1 << 16

    /// Parses the header of a file of `fileSize` bytes; `read(offset, count)`
    /// returns the file's bytes there (fewer at its end).
    package static func parse(fileSize: Int, path: String, read: (Int, Int) -> [UInt8]) throws -> NPYHeader {
        func fail(_ what: String) -> FormatError { FormatError(.invalidInput, "\(path): \(what)") }
        let prefix = read(0, 12)
        let got = prefix.count
        guard got >= 10, prefix[0..<6] == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw fail(fileSize == 0 ? "empty file, not a .npy array" : "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = prefix[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            start = 10
        case 2, 3:
            guard got >= 12 else { throw fail("header ends early") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            start = 12
        default:
            throw fail("unsupported .npy version \(major).\(prefix[7])")
        }
        guard headerLength <= maxHeaderBytes, start + headerLength <= fileSize else {
            throw fail("header length \(headerLength) runs past the end of the file (\(fileSize) bytes)")
        }
        let text = read(start, headerLength)
        guard text.count == headerLength else { throw fail("header ends early") }
        guard let header = String(validating: text, as: UTF8.self) else { throw fail("header is not text") }

        var parser = DictionaryLiteral(header)
        let entries: [String: DictionaryLiteral.Value]
        do { entries = try parser.parse() } catch let e as DictionaryLiteral.Failure {
            throw fail("malformed header: \(e.message)")
        }
        guard case .string(let descr)? = entries["descr"] else { throw fail("header has no 'descr'") }
        guard let type = NPYFile.ElementType(rawValue: descr) else {
            throw fail("dtype '\(descr)' is not supported (use little-endian float32 '<f4', float16 '<f2' or float64 '<f8')")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else { throw fail("header has no 'fortran_order'") }
        guard !fortran else { throw fail("array is in Fortran order; save it in C order (np.ascontiguousarray)") }
        guard case .tuple(let shape)? = entries["shape"] else { throw fail("header has no 'shape'") }
        guard shape.count == 2 else { throw fail("array has \(shape.count) dimensions \(shape); a 2-D (rows, dim) array is needed") }
        let (rows, columns) = (shape[0], shape[1])
        guard columns > 0 else { throw fail("array has 0 columns") }
        let (cells, o1) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, o2) = cells.multipliedReportingOverflow(by: type.size)
        let dataOffset = start + headerLength
        guard !o1, !o2, bytes == fileSize - dataOffset else {
            throw fail("header says \(rows)×\(columns) \(descr) (\(o1 || o2 ? "overflowing" : String(bytes)) bytes) but the file holds \(fileSize - dataOffset) bytes of data")
        }
        return NPYHeader(rows: rows, columns: columns, type: type, dataOffset: dataOffset)
    }
}

/// The subset of Python literal syntax `.npy` headers use: a dict of string
/// keys to strings, True/False and tuples of non-negative integers.
struct DictionaryLiteral {
    enum Value { case string(String), bool(Bool), tuple([Int]) }
    struct Failure: Error { let message: String }

    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    mutating func parse() throws -> [String: Value] {
        var result: [String: Value] = [:]
        try expect("{")
        while true {
            skipSpace()
            if peek() == "}" { i += 1; break }
            let key = try string()
            try expect(":")
            result[key] = try value()
            skipSpace()
            if peek() == "," { i += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard i == chars.count else { throw Failure(message: "unexpected text after the dictionary") }
        return result
    }

    private mutating func value() throws -> Value {
        skipSpace()
        switch peek() {
        case "'", "\"": return .string(try string())
        case "(": return .tuple(try tuple())
        case "T": try word("True"); return .bool(true)
        case "F": try word("False"); return .bool(false)
        default: throw Failure(message: "unexpected '\(peek().map(String.init) ?? "end")' at character \(i)")
        }
    }

    private mutating func tuple() throws -> [Int] {
        try expect("(")
        var items: [Int] = []
        while true {
            skipSpace()
            if peek() == ")" { i += 1; return items }
            var digits = ""
            while let c = peek(), c.isASCII, c.isNumber { digits.append(c); i += 1 }
            guard !digits.isEmpty, digits.count <= 18, let n = Int(digits) else {
                throw Failure(message: "shape entry at character \(i) is not a non-negative integer")
            }
            items.append(n)
            skipSpace()
            if peek() == "," { i += 1; continue }
            try expect(")")
            return items
        }
    }

    private mutating func string() throws -> String {
        skipSpace()
        guard let quote = peek(), quote == "'" || quote == "\"" else {
            throw Failure(message: "expected a quoted string at character \(i)")
        }
        i += 1
        var s = ""
        while let c = peek(), c != quote { s.append(c); i += 1 }
        guard peek() == quote else { throw Failure(message: "unterminated string") }
        i += 1
        return s
    }

    private mutating func word(_ w: String) throws {
        for c in w {
            guard peek() == c else { throw Failure(message: "expected \(w) at character \(i)") }
            i += 1
        }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard peek() == c else { throw Failure(message: "expected '\(c)' at character \(i)") }
        i += 1
    }

    private mutating func skipSpace() { while let c = peek(), c.isWhitespace { i += 1 } }
    private func peek() -> Character? { i < chars.count ? chars[i] : nil }
}
