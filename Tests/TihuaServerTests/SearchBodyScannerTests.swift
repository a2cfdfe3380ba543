import Foundation
import Testing
import TihuaPoetry
@testable import TihuaServer

/// The `/v1/search` fast path reads what `JSONDecoder` reads, to the bit,
/// and passes on (nil) whatever it does not take.
@Suite struct SearchBodyScannerTests {
    func decoded(_ text: String) -> SearchRequest? {
        try? JSONDecoder().decode(SearchRequest.self, from: Data(text.utf8))
    }

    func scanned(_ text: String) -> SearchRequest? { SearchBodyScanner.request(Data(text.utf8)) }

    @Test func randomQueriesReadAsTheDecoderReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let rows = Int.random(in: 1...3, using: &generator)
            let dimension = Int.random(in: 1...64, using: &generator)
            // Numbers as clients print them: Python's repr of doubles, floats'
            // shortest forms, exponents, integers, negative zero.
            let numbers = (0..<(rows * dimension)).map { _ -> String in
                let value = Double.random(in: -1...1, using: &generator) * pow(10, Double(Int.random(in: -12...6, using: &generator)))
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: return "\(value)"
                case 1: return "\(Float(value))"
                case 2: return String(format: "%.6e", value)
                case 3: return String(Int(value.rounded()))
                default: return value < 0 ? "-0.0" : String(format: "%.9g", value)
                }
            }
            let matrix = (0..<rows).map { r in "[" + numbers[(r * dimension)..<((r + 1) * dimension)].joined(separator: ", ") + "]" }
            let fields = ["\"collection\": \"poems\"", "\"vectors\": [\(matrix.joined(separator: ","))]",
                          "\"k\": \(Int.random(in: 1...1000, using: &generator))",
                          ["\"exact\": true", "\"exact\": false", "\"nprobe\": 7", "\"rerank\": 20"][trial % 4]]
            let body = "{" + fields.shuffled(using: &generator).joined(separator: trial % 2 == 0 ? "," : " ,\n ") + "}"
            let fast = try #require(scanned(body), "\(body)")
            #expect(fast == decoded(body), "\(body)")
            #expect(fast.vectors.values.map(\.bitPattern) == decoded(body)?.vectors.values.map(\.bitPattern))
        }
    }

    @Test func defaultsAndEmptyFieldsAsTheDecoderHasThem() throws {
        for body in [#"{"collection":"c","vectors":[[1,2]]}"#, #"{"vectors":[[0.5]],"collection":"名 字","k":3}"#,
                     #"  {"collection":"c","vectors":[[1e-3,2E+2,-0]],"nprobe":4,"k":1}  "#] {
            let fast = try #require(scanned(body), "\(body)")
            #expect(fast == decoded(body), "\(body)")
        }
    }

    /// What the scanner does not take goes to the decoder, which answers
    /// (or refuses) it as before.
    @Test func anythingElseIsLeftToTheDecoder() {
        let passedOn = [
            #"{"collection":"c","vectors":[[1,2]],"extra":1}"#,       // an unknown field
            #"{"collection":"c","vectors":[[1,2]],"k":null}"#,        // null
            #"{"collection":"c\u0041","vectors":[[1]]}"#,             // an escape
            #"{"collection":"c","collection":"d","vectors":[[1]]}"#,  // a repeated field
            #"{"collection":"c","vectors":[[1,2],[3]]}"#,             // rows of unequal length
            #"{"collection":"c","vectors":[]}"#,                      // no rows
            #"{"collection":"c","vectors":[[1e39]]}"#,                // not a Float
            #"{"collection":"c","vectors":[[01]]}"#,                  // not JSON's grammar
            #"{"collection":"c","vectors":[[.5]]}"#,
            #"{"collection":"c","vectors":[[1.]]}"#,
            #"{"collection":"c","vectors":[[NaN]]}"#,
            #"{"collection":"c","vectors":[[1,2]],"k":1.5}"#,
            #"{"collection":"c","vectors":[[1,2]],"k":10000000000000000000}"#,
            #"{"collection":"c","vectors":[[1,2]]} x"#,               // trailing bytes
            #"{"collection":"c","vectors":[[1,2]]"#,                  // cut short
            #"{"vectors":[[1,2]]}"#,                                  // no collection
            #"[1,2]"#, "", "{", #"{"collection":"c","vectors":[[1,2]],}"#,
        ]
        for body in passedOn { #expect(scanned(body) == nil, "\(body)") }
        // Invalid UTF-8 in a string is passed on too.
        var bytes = Array(#"{"collection":"c","vectors":[[1]]}"#.utf8)
        bytes[15] = 0xFF
        #expect(SearchBodyScanner.request(Data(bytes)) == nil)
    }
}

/// `/v1/search`'s answer writer gives JSONAnswer's bytes.
@Suite struct SearchAnswerWriterTests {
    @Test func writesTheBytesJSONEncoderWrites() throws {
        var generator = SystemRandomNumberGenerator()
        let controls = (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined()
        var ids = ["v1", "ccpc:12", #"a"b\c/d"#, controls, "明月\u{7f}\u{2028}é", ""]
        for _ in 0..<50 {
            ids.append(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in
                Character(UnicodeScalar(UInt32.random(in: 1...0x2FF, using: &generator))!)
            }))
        }
        var scores: [Float] = [1, 0, -0.0, -1, 0.5, 1e-5, .leastNonzeroMagnitude, 3.4e38, 16_777_216, 100]
        for _ in 0..<2000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
            if value.isFinite { scores.append(value) }
        }
        var rows: [[IDScore]] = [[]]
        for (i, score) in scores.enumerated() {
            rows[rows.count - 1].append(IDScore(id: ids[i % ids.count], score: score))
            if i % 7 == 6 { rows.append([]) }
        }
        for answer in [SearchResults(results: rows), SearchResults(results: []), SearchResults(results: [[]])] {
            let written = try #require(SearchAnswerWriter.json(answer))
            #expect(Array(written.readableBytesView) == Array(try JSONAnswer.encode(answer)))
        }
        #expect(SearchAnswerWriter.json(SearchResults(results: [[IDScore(id: "x", score: .nan)]])) == nil)
    }
}
