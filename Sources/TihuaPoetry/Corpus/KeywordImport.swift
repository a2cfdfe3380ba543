import Foundation
import TihuaStore

/// Imports a keyword vocabulary (one keyword a line, trimmed, blank lines
/// ignored) into the `keywords` collection; a keyword is its own id.
public struct KeywordImport {
    public var path: String

    public init(path: String) { self.path = path }

    public func run(into index: TihuaIndex) throws -> ImportSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PoetryError(.notFound, "\(path): no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PoetryError(.badInput, "\(path): not UTF-8 text")
        }
        var keywords: [(String, Int)] = []
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let keyword = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !keyword.isEmpty else { continue }
            if let problem = RecordID.problem(with: keyword) {
                throw PoetryError(.badInput, "\(path) line \(i + 1): \(problem)")
            }
            keywords.append((keyword, i + 1))
        }
        let collection = try index.prepareCollection(BuiltinCollection.keywords)
        var summary = ImportSummary()
        try index.write(collection) { writer in
            for (keyword, _) in keywords {
                if try writer.addRecord(id: keyword, document: nil) {
                    summary.imported += 1
                } else {
                    summary.duplicates += 1
                }
            }
        }
        return summary
    }
}
