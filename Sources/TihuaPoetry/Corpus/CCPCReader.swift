import Foundation

/// THU-CCPC: one JSON object a line,
/// `{"dynasty","author","content":"line|line|…","title","keywords":"k1 k2 …"}`.
/// Records carry no id: a poem's id is `FILESTEM:LINENO` (1-based).
enum CCPCReader {
    static let keys: Set<CorpusJSON.Key> = [.content, .title, .author, .dynasty, .keywords]

    static func read(_ bytes: UnsafeRawBufferPointer, path: String) -> [CorpusRecord] {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let name = URL(fileURLWithPath: path).lastPathComponent
        var records: [CorpusRecord] = []
        var lineNumber = 0
        var start = CorpusFiles.byteOrderMarkLength(bytes)
        var seenRecord = false
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                let location = "\(name) line \(lineNumber)"
                let parsed = CorpusJSON.record(line, keys: keys)
                // A JSON value spread over several lines is a file of another
                // kind (an intro or metadata file), not a CCPC file with a
                // broken first line.
                if !seenRecord, case .failure = parsed,
                   case let rest = UnsafeRawBufferPointer(rebasing: bytes[start...]),
                   case let whole = CorpusJSON.isOneValue(rest), whole.valid {
                    let shape = whole.isObject ? "one JSON object" : "one JSON value"
                    return [.invalid(location: name, reason: "\(shape) over several lines, not a corpus (CCPC has one poem object a line, chinese-poetry a JSON array of poems)")]
                }
                seenRecord = true
                records.append(record(parsed, id: "\(stem):\(lineNumber)", number: lineNumber, location: location))
            }
            start = end + 1
        }
        return records
    }

    private static func record(_ parsed: Result<CorpusJSON.Record, CorpusJSON.SyntaxError>, id: String, number: Int,
                               location: String) -> CorpusRecord {
        let record: CorpusJSON.Record
        switch parsed {
        case .failure(let error): return .invalid(location: location, reason: error.reason)
        case .success(let r): record = r
        }
        if let problem = record.problem { return .invalid(location: location, reason: problem) }
        guard let content = record.content else {
            return .invalid(location: location, reason: "no \"content\"")
        }
        let separators = content.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "|") ? 1 : 0) }
        if separators >= CorpusLimits.maxLines {
            return .invalid(location: location, reason: "the poem has more than \(CorpusLimits.maxLines.grouped) lines")
        }
        let lines = content.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else {
            return .invalid(location: location, reason: "\"content\" has no lines")
        }
        if let problem = CorpusLimits.problem(lines: lines) { return .invalid(location: location, reason: problem) }
        let keywords = (record.keywords ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        if let problem = CorpusLimits.problem(keywords: keywords) { return .invalid(location: location, reason: problem) }
        let dynasty = Dynasty.normalize(record.dynasty)
        if let problem = CorpusLimits.problem(title: record.title, author: record.author, dynasty: dynasty) {
            return .invalid(location: location, reason: problem)
        }
        return .poem(ReadPoem(poem: Poem(id: id, title: record.title, author: record.author, dynasty: dynasty,
                                         lines: lines, keywords: keywords),
                              location: location, derivedNumber: number))
    }
}
