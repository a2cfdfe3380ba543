import Foundation

/// The corpus formats `import poems` reads.
public enum CorpusFormat: String, CaseIterable, Sendable {
    case auto
    case ccpc
    case chinesePoetry = "chinese-poetry"

    /// Detects a file's format from its first non-blank byte: `[` opens a
    /// chinese-poetry array, `{` a CCPC JSON-lines file.
    static func detect(_ data: Data) -> CorpusFormat? {
        guard let first = data.first(where: { ![0x20, 0x09, 0x0D, 0x0A, 0xEF, 0xBB, 0xBF].contains($0) }) else {
            return nil
        }
        return first == UInt8(ascii: "[") ? .chinesePoetry : first == UInt8(ascii: "{") ? .ccpc : nil
    }
}

enum CorpusFiles {
    /// Files named on the command line; folders are searched recursively
    /// for `.json`/`.jsonl` files, in name order.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PoetryError(.notFound, "\(path): no such file")
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let found = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonl") }
                .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            files += found.map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Reads one file as `format` (detected when `.auto`).
    static func read(_ path: String, format: CorpusFormat) throws -> [CorpusRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PoetryError(.io, "\(path): cannot read")
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        var resolved = format
        if format == .auto {
            guard let detected = CorpusFormat.detect(data) else {
                return [.invalid(location: name, reason: data.isEmpty ? "empty file"
                                 : "neither a JSON array (chinese-poetry) nor JSON lines (CCPC)")]
            }
            resolved = detected
        }
        return resolved == .ccpc ? CCPCReader.read(data, path: path) : ChinesePoetryReader.read(data, path: path)
    }
}
