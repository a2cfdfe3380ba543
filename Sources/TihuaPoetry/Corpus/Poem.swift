/// A poem as Tihua stores it (the JSON document beside its vector).
public struct Poem: Codable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var author: String?
    /// Normalised: "tang" and "Tang" are both "Tang".
    public var dynasty: String?
    public var lines: [String]
    public var keywords: [String]

    public init(id: String, title: String?, author: String?, dynasty: String?, lines: [String], keywords: [String]) {
        self.id = id
        self.title = title
        self.author = author
        self.dynasty = dynasty
        self.lines = lines
        self.keywords = keywords
    }

    /// The text embedded for the poem: its lines joined by "，" and ended by "。".
    public var embeddingText: String { lines.joined(separator: "，") + "。" }
}

enum Dynasty {
    /// Trims and capitalises Latin spellings ("tang" → "Tang", "SONG" → "Song");
    /// other scripts are kept as written. Empty means unknown (nil).
    static func normalize(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first else { return nil }
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII }) else { return trimmed }
        return first.uppercased() + trimmed.dropFirst().lowercased()
    }
}

import Foundation
