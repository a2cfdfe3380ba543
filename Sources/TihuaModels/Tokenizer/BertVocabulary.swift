/// vocab.txt: one token per line, the line number is the id (as
/// transformers' `load_vocab`: only the trailing newline is removed, and a
/// repeated token keeps its last id).
///
/// Lookups are keyed by UTF-8 bytes, not by `String`: Swift compares strings
/// up to canonical equivalence, which would make a decomposed Hangul word
/// match its precomposed vocabulary entry where BertTokenizer finds none.
public struct BertVocabulary: Sendable {
    public let tokens: [String]
    private let ids: [[UInt8]: Int]

    public init(tokens: [String]) {
        self.tokens = tokens
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() { ids[Array(t.utf8)] = i }
        self.ids = ids
    }

    public init(contentsOf path: String) throws {
        try self.init(bytes: try readWholeFile(path), source: path)
    }

    /// vocab.txt's bytes. Lines end in LF or CRLF (a file saved on Windows
    /// reads as transformers reads it, not as tokens ending in CR).
    public init(bytes: [UInt8], source: String) throws {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ModelError(.format, "\(source): vocabulary is not valid UTF-8")
        }
        var lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ModelError(.format, "\(source): vocabulary is empty") }
        self.init(tokens: lines)
    }

    public var count: Int { tokens.count }

    public func id(_ token: String) -> Int? { ids[Array(token.utf8)] }

    func id(utf8 bytes: [UInt8]) -> Int? { ids[bytes] }

    public func token(_ id: Int) -> String? {
        tokens.indices.contains(id) ? tokens[id] : nil
    }
}
