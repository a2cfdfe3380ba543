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
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ModelError(.format, "\(path): vocabulary is not valid UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ModelError(.format, "\(path): vocabulary is empty") }
        self.init(tokens: lines)
    }

    public var count: Int { tokens.count }

    public func id(_ token: String) -> Int? { ids[Array(token.utf8)] }

    func id(utf8 bytes: [UInt8]) -> Int? { ids[bytes] }

    public func token(_ id: Int) -> String? {
        tokens.indices.contains(id) ? tokens[id] : nil
    }
}
