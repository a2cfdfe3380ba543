import Foundation
import TihuaStore

/// The chinese-poetry collection: each file a JSON array of
/// `{"author","paragraphs":[…],"title" (or "rhythmic" for ci),"id"}`.
/// A paragraph holds two lines; lines are split on `，。！？；`. The dynasty
/// comes from the file name (`poet.tang.0.json` → Tang). A record without an
/// id gets `FILESTEM:N` (N its 1-based place in the array).
enum ChinesePoetryReader {
    static let keys: Set<CorpusJSON.Key> = [.title, .rhythmic, .author, .id, .paragraphs]

    static func read(_ bytes: UnsafeRawBufferPointer, path: String) -> [CorpusRecord] {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let dynasty = dynasty(fromFileName: name)
        let elements: [JSONArraySplitter.Element]
        switch JSONArraySplitter.split(bytes) {
        case .failure(let failure):
            return [.invalid(location: "\(name) line \(failure.line)", reason: failure.reason)]
        case .success(let parts):
            elements = parts
        }
        return elements.enumerated().map { i, element in
            let location = "\(name) record \(i + 1) (line \(element.line))"
            let record: CorpusJSON.Record
            switch CorpusJSON.record(UnsafeRawBufferPointer(rebasing: bytes[element.range]), keys: keys) {
            case .failure(let error): return .invalid(location: location, reason: error.reason)
            case .success(let r): record = r
            }
            if let problem = record.problem { return .invalid(location: location, reason: problem) }
            guard let paragraphs = record.paragraphs else {
                return .invalid(location: location, reason: "no \"paragraphs\"")
            }
            let lines = splitLines(paragraphs)
            guard !lines.isEmpty else { return .invalid(location: location, reason: "no lines in \"paragraphs\"") }
            if let problem = CorpusLimits.problem(lines: lines) { return .invalid(location: location, reason: problem) }
            let title = record.title ?? record.rhythmic
            if let problem = CorpusLimits.problem(title: title, author: record.author, dynasty: nil) {
                return .invalid(location: location, reason: problem)
            }
            if let id = record.id, let problem = RecordID.problem(with: id) {
                return .invalid(location: location, reason: "\"id\": \(problem)")
            }
            return .poem(ReadPoem(poem: Poem(id: record.id ?? "\(stem):\(i + 1)", title: title, author: record.author,
                                             dynasty: dynasty, lines: lines, keywords: []),
                                  location: location, derivedNumber: record.id == nil ? i + 1 : nil,
                                  hasTune: record.title == nil && record.rhythmic != nil))
        }
    }

    static func splitLines(_ paragraphs: [String]) -> [String] {
        var lines: [String] = []
        for var paragraph in paragraphs {
            paragraph.withUTF8 { bytes in
                var start = 0, i = 0
                func emit(_ end: Int) {
                    var lo = start, hi = end
                    while lo < hi, let w = whitespaceLength(bytes, at: lo) { lo += w }
                    while hi > lo, let w = whitespaceLength(bytes, endingAt: hi) { hi -= w }
                    if hi > lo { lines.append(String(decoding: bytes[lo..<hi], as: UTF8.self)) }
                }
                while i < bytes.count {
                    if i + 2 < bytes.count, isLineBreak(bytes[i], bytes[i + 1], bytes[i + 2]) {
                        emit(i)
                        i += 3
                        start = i
                    } else {
                        i += 1
                    }
                }
                emit(bytes.count)
            }
        }
        return lines
    }

    /// `，` `。` `！` `？` `；` in UTF-8 (compared as bytes: this runs on 311k poems).
    @inline(__always)
    static func isLineBreak(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        (a == 0xEF && b == 0xBC && (c == 0x8C || c == 0x81 || c == 0x9F || c == 0x9B)) || (a == 0xE3 && b == 0x80 && c == 0x82)
    }

    /// Byte length of an ASCII space/tab/newline or an ideographic space (U+3000) at `i`.
    @inline(__always)
    static func whitespaceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        if [0x20, 0x09, 0x0A, 0x0D].contains(s[i]) { return 1 }
        if i + 2 < s.count, s[i] == 0xE3, s[i + 1] == 0x80, s[i + 2] == 0x80 { return 3 }
        return nil
    }

    @inline(__always)
    static func whitespaceLength(_ s: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Int? {
        if [0x20, 0x09, 0x0A, 0x0D].contains(s[end - 1]) { return 1 }
        if end >= 3, s[end - 3] == 0xE3, s[end - 2] == 0x80, s[end - 1] == 0x80 { return 3 }
        return nil
    }

    static func dynasty(fromFileName name: String) -> String? {
        let parts = name.split(separator: ".")
        guard parts.count >= 3, parts[0] == "poet" else { return nil }
        return Dynasty.normalize(String(parts[1]))
    }
}
