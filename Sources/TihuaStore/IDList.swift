import Foundation

/// A file of external ids, one a line (a final newline is optional; `\r\n`
/// is accepted). Every id is validated; a repeated id is an error naming
/// both lines.
public enum IDList {
    public static func read(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.invalidInput, "\(path): cannot read the ids file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StoreError(.invalidInput, "\(path): ids file is not UTF-8")
        }
        // "\r\n" is one Character, a newline like "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var seen: [String: Int] = [:]
        seen.reserveCapacity(lines.count)
        for (i, id) in lines.enumerated() {
            if let problem = RecordID.problem(with: id) {
                throw StoreError(.invalidInput, "\(path) line \(i + 1): \(problem)")
            }
            if let first = seen.updateValue(i + 1, forKey: id) {
                throw StoreError(.invalidInput, "\(path) line \(i + 1): id '\(id)' repeats line \(first)")
            }
        }
        return lines
    }
}
