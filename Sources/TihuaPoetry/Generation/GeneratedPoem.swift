import TihuaCompute

/// Where a line of a generated poem comes from (cento lines only).
public struct LineSource: Codable, Sendable, Equatable {
    public let id: String
    public let title: String?
    public let author: String?
}

public struct GeneratedLine: Codable, Sendable, Equatable {
    public let text: String
    public let source: LineSource?

    public init(text: String, source: LineSource?) {
        self.text = text
        self.source = source
    }

    public func encode(to encoder: Encoder) throws {
        // `source` is always present: null for generated lines (CONTRACT.md).
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(source, forKey: .source)
    }
}

/// A candidate or final poem, with the CLIP score it was ranked by.
public struct GeneratedPoem: Codable, Sendable, Equatable {
    public var lines: [GeneratedLine]
    public var score: Float?

    public init(lines: [GeneratedLine], score: Float? = nil) {
        self.lines = lines
        self.score = score
    }

    public var text: String { lines.map(\.text).joined(separator: "，") + "。" }

    /// A quatrain as the seed's reranker accepts it: `lineCount` lines of one
    /// length, that length 5 or 7 characters, each line only CJK characters.
    public func isWellFormed(lineCount: Int = 4) -> Bool {
        guard lines.count == lineCount, let length = lines.first?.text.count, length == 5 || length == 7 else {
            return false
        }
        return lines.allSatisfy { $0.text.count == length && $0.text.unicodeScalars.allSatisfy(Self.isCJK) }
    }

    /// A CJK ideograph, as the tokenizer counts one (`CJK.isIdeograph`).
    package static func isCJK(_ u: Unicode.Scalar) -> Bool { CJK.isIdeograph(u) }
}
