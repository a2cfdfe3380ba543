import Foundation

/// The corpus formats `import poems` reads.
public enum CorpusFormat: String, CaseIterable, Sendable {
    case auto
    case ccpc
    case chinesePoetry = "chinese-poetry"

    /// Detects a file's format from its first non-blank byte: `[` opens a
    /// chinese-poetry array, `{` a CCPC JSON-lines file.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> CorpusFormat? {
        guard let first = bytes.dropFirst(CorpusFiles.byteOrderMarkLength(bytes))
            .first(where: { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }) else { return nil }
        return first == UInt8(ascii: "[") ? .chinesePoetry : first == UInt8(ascii: "{") ? .ccpc : nil
    }
}

enum CorpusFiles {
    /// Corpus files under `paths`: folders are searched for `.json` and
    /// `.jsonl` files (see `FileWalk`).
    static func expand(_ paths: [String]) throws -> FileWalk.Result {
        try FileWalk(extensions: ["json", "jsonl"]).expand(paths)
    }

    /// Reads one file as `format` (detected when `.auto`).
    static func read(_ path: String, format: CorpusFormat) throws -> [CorpusRecord] {
        let bytes = try RegularFile.read(path, maxBytes: CorpusLimits.maxFileBytes)
        let name = FileWalk.printable(URL(fileURLWithPath: path).lastPathComponent)
        return bytes.withUnsafeBytes { raw -> [CorpusRecord] in
            var resolved = format
            if format == .auto {
                guard let detected = CorpusFormat.detect(raw) else {
                    return [.invalid(location: name, reason: raw.isEmpty ? "empty file"
                                     : "neither a JSON array (chinese-poetry) nor JSON lines (CCPC)")]
                }
                resolved = detected
            }
            return resolved == .ccpc ? CCPCReader.read(raw, path: path) : ChinesePoetryReader.read(raw, path: path)
        }
    }

    /// Bytes of a UTF-8 byte order mark at the start of `bytes` (0 or 3).
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }
}
