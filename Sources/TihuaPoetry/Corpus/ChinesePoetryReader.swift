import Foundation

/// The chinese-poetry collection: each file a JSON array of
/// `{"author","paragraphs":[…],"title" (or "rhythmic" for ci),"id"}`.
/// A paragraph holds two lines; lines are split on `，。！？；`. The dynasty
/// comes from the file name (`poet.tang.0.json` → Tang).
enum ChinesePoetryReader {
    static func read(_ data: Data, path: String) -> [CorpusRecord] {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let dynasty = dynasty(fromFileName: name)
        // Fast path: the whole array at once. On a syntax error, fall back to
        // splitting the array into elements to name the broken record's line.
        var elements: [(record: Record?, line: Int?)]
        if let all = try? JSONDecoder().decode([Record].self, from: data) {
            elements = all.map { ($0, nil) }
            // Name the lines of invalid records too (splitting costs a pass).
            if all.contains(where: { !$0.isPoem }), case .success(let parts) = JSONArraySplitter.split(data),
               parts.count == all.count {
                elements = zip(all, parts).map { ($0, $1.line) }
            }
        } else {
            switch JSONArraySplitter.split(data) {
            case .failure(let failure):
                return [.invalid(location: "\(name) line \(failure.line)", reason: failure.reason)]
            case .success(let parts):
                let decoder = JSONDecoder()
                elements = parts.map { (try? decoder.decode(Record.self, from: data[$0.range]), $0.line) }
            }
        }
        return elements.enumerated().map { i, element in
            let location = element.line.map { "\(name) record \(i + 1) (line \($0))" } ?? "\(name) record \(i + 1)"
            guard let record = element.record else { return .invalid(location: location, reason: "not valid JSON") }
            if let problem = record.problem { return .invalid(location: location, reason: problem) }
            let lines = splitLines(record.paragraphs ?? [])
            guard !lines.isEmpty else { return .invalid(location: location, reason: "no lines in \"paragraphs\"") }
            return .poem(Poem(id: record.id ?? "\(stem):\(i + 1)", title: record.title ?? record.rhythmic,
                              author: record.author, dynasty: dynasty, lines: lines, keywords: []))
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

    /// One array element, decoded leniently: a field of the wrong type is
    /// reported as the record's problem instead of failing the whole file.
    struct Record: Decodable {
        var title: String?, rhythmic: String?, author: String?, id: String?
        var paragraphs: [String]?
        var problem: String?

        var isPoem: Bool { problem == nil && !splitLines(paragraphs ?? []).isEmpty }

        enum Key: String, CodingKey { case title, rhythmic, author, id, paragraphs }

        init(from decoder: Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else {
                problem = "not a JSON object"
                return
            }
            func field<T: Decodable>(_ key: Key, _ type: T.Type) -> T? {
                do { return try c.decodeIfPresent(type, forKey: key) } catch {
                    if problem == nil { problem = "\"\(key.rawValue)\" is not a \(T.self == String.self ? "string" : "list of strings")" }
                    return nil
                }
            }
            title = field(.title, String.self)
            rhythmic = field(.rhythmic, String.self)
            author = field(.author, String.self)
            id = field(.id, String.self)
            paragraphs = field(.paragraphs, [String].self)
        }
    }
}
