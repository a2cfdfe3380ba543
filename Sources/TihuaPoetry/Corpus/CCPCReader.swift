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
        guard let value = try? decoder.decode(LooseJSON.self, from: Data(line)) else {
            return .invalid(location: location, reason: "not valid JSON")
        }
        guard let object = value.object else {
            return .invalid(location: location, reason: "not a JSON object")
        }
        guard let content = object["content"]?.string else {
            return .invalid(location: location, reason: "no \"content\" string")
        }
        let lines = content.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else {
            return .invalid(location: location, reason: "\"content\" has no lines")
        }
        let keywords = (object["keywords"]?.string ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        return .poem(Poem(id: id, title: object["title"]?.string, author: object["author"]?.string,
                          dynasty: Dynasty.normalize(object["dynasty"]?.string),
                          lines: lines, keywords: keywords))
    }
}
