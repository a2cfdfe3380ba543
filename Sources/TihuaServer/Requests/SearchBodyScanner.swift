import Foundation
import TihuaPoetry

/// The fast path of `POST /v1/search`: Foundation's `JSONDecoder` took
/// 0.46–0.57 ms for one 512-float query inside the server (its
/// per-element `Decodable` calls), a quarter of the scan of a 10k
/// collection it serves. This scanner reads the plain bodies that clients
/// send, numbers straight from the bytes: 0.14 ms there, the body's copy
/// and the `VectorBatch` included (p50 of 1,000 requests, RESULTS).
///
/// It returns nil on anything it does not take: a field it does not know,
/// null, escapes in a string, a repeated field, numbers that are not plain
/// JSON or that a Float cannot hold, rows of unequal length. The body then
/// goes through `JSONDecoder`, whose answer and error messages stay the
/// reference: the scanner never refuses a body, it only passes it on.
struct SearchBodyScanner {
    private let bytes: UnsafeRawBufferPointer
    private var i = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The request in `json`, or nil for the decoder to read.
    static func request(_ json: Data) -> SearchRequest? {
        // strtod reads the C locale's numbers; a process whose locale has
        // another decimal point leaves the body to the decoder.
        guard let point = localeconv()?.pointee.decimal_point, point.pointee == CChar(UInt8(ascii: ".")),
              point.successor().pointee == 0 else { return nil }
        return json.withUnsafeBytes { raw in
            var scanner = SearchBodyScanner(raw)
            return scanner.request()
        }
    }

    private mutating func request() -> SearchRequest? {
        var collection: String?, rows: [[Float]]?, k: Int?, exact: Bool?, nprobe: Int?, rerank: Int?
        guard take(UInt8(ascii: "{")) else { return nil }
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "collection" where collection == nil: guard let v = string() else { return nil }; collection = v
                case "vectors" where rows == nil: guard let v = vectors() else { return nil }; rows = v
                case "k" where k == nil: guard let v = integer() else { return nil }; k = v
                case "exact" where exact == nil: guard let v = boolean() else { return nil }; exact = v
                case "nprobe" where nprobe == nil: guard let v = integer() else { return nil }; nprobe = v
                case "rerank" where rerank == nil: guard let v = integer() else { return nil }; rerank = v
                default: return nil
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        skipSpace()
        guard i == bytes.count, let collection, let rows, let batch = try? VectorBatch(rows: rows) else { return nil }
        return SearchRequest(collection: collection, vectors: batch, k: k ?? SearchRequest.defaultK,
                             method: SearchMethodChoice(exact: exact ?? false, nprobe: nprobe), rerank: rerank)
    }

    // MARK: Tokens

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// Skips whitespace, then takes `byte` if it is next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// A string without escapes or control characters, valid UTF-8.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                defer { i += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func boolean() -> Bool? {
        skipSpace()
        for (word, value) in [("true", true), ("false", false)] where matches(word) {
            i += word.utf8.count
            return value
        }
        return nil
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count else { return false }
        return (0..<w.count).allSatisfy { bytes[i + $0] == w[$0] }
    }

    /// An integer written as one: digits, an optional minus, at most 18 digits.
    private mutating func integer() -> Int? {
        skipSpace()
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let start = i
        var value = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard i - start < 18 else { return nil }  // the decoder decides on larger ones
            value = value * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        let digits = i - start
        guard digits > 0, digits <= 18, !(digits > 1 && bytes[start] == 0x30) else { return nil }
        guard i < bytes.count, !isNumberByte(bytes[i]) else { return nil }  // 1.5 or 1e3: the decoder decides
        return negative ? -value : value
    }

    private func isNumberByte(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39)
    }

    /// `[[n, …], …]`: rows of JSON numbers.
    private mutating func vectors() -> [[Float]]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var rows: [[Float]] = []
        if take(UInt8(ascii: "]")) { return rows }
        repeat {
            guard take(UInt8(ascii: "[")) else { return nil }
            var row: [Float] = []
            row.reserveCapacity(rows.first?.count ?? 512)
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard let value = number() else { return nil }
                    row.append(value)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
            rows.append(row)
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "]")) else { return nil }
        return rows
    }

    /// A number in JSON's grammar, read as a Double and rounded to the
    /// nearest Float; nil if it is not finite as a Float.
    private mutating func number() -> Float? {
        skipSpace()
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - from
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        let integerDigits = digits()
        guard integerDigits > 0, !(integerDigits > 1 && bytes[integerStart] == 0x30) else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        // A byte after the number (the row's `,` or `]`) stops strtod inside the buffer.
        guard i < bytes.count, i - start <= 64 else { return nil }
        let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
        var end: UnsafeMutablePointer<CChar>?
        let value = Float(strtod(base + start, &end))
        guard let end, UnsafePointer(end) == base + i, value.isFinite else { return nil }
        return value
    }
}
