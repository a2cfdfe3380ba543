import Foundation

/// THU-CCPC: one JSON object a line,
/// `{"dynasty","author","content":"line|line|…","title","keywords":"k1 k2 …"}`.
/// Records carry no id: a poem's id is `FILESTEM:LINENO` (1-based).
enum CCPCReader {
    static func read(_ data: Data, path: String) -> [CorpusRecord] {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let name = URL(fileURLWithPath: path).lastPathComponent
        var records: [CorpusRecord] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                lineNumber += 1
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    records.append(record(line, decoder: decoder, id: "\(stem):\(lineNumber)",
                                          location: "\(name) line \(lineNumber)"))
                }
                start = end + 1
            }
        }
        return records
    }

    private static func record(_ line: UnsafeRawBufferPointer, decoder: JSONDecoder, id: String,
                               location: String) -> CorpusRecord {
        guard let record = try? decoder.decode(Record.self, from: Data(line)) else {
            return .invalid(location: location, reason: "not valid JSON")
        }
        guard record.isObject else {
            return .invalid(location: location, reason: "not a JSON object")
        }
        guard let content = record.content else {
            return .invalid(location: location, reason: "no \"content\" string")
        }
        let lines = content.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else {
            return .invalid(location: location, reason: "\"content\" has no lines")
        }
        let keywords = (record.keywords ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        return .poem(Poem(id: id, title: record.title, author: record.author,
                          dynasty: Dynasty.normalize(record.dynasty),
                          lines: lines, keywords: keywords))
    }

    /// One line, decoded leniently: a field of another type than string
    /// reads as absent, and a line that is valid JSON but no object is told
    /// apart from one that is not JSON at all.
    struct Record: Decodable {
        var isObject = true
        var content: String?, title: String?, author: String?, dynasty: String?, keywords: String?

        enum Key: String, CodingKey { case content, title, author, dynasty, keywords }

        init(from decoder: Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else {
                isObject = false
                return
            }
            func field(_ key: Key) -> String? { (try? c.decodeIfPresent(String.self, forKey: key)) ?? nil }
            (content, title, author, dynasty, keywords) =
                (field(.content), field(.title), field(.author), field(.dynasty), field(.keywords))
        }
    }
}
