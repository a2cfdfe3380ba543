import Foundation

/// A poem as Tihua stores it (the JSON document beside its vector).
///
/// It keeps the text as the corpus wrote it (`title`, `author`, `lines`)
/// and, when that differs, its normalised form (`normalized`: OpenCC `t2s`,
/// or the profile the import named), which is what is embedded, rhymed,
/// deduplicated and searched by phrase.
public struct Poem: Codable, Sendable, Equatable {
    public var id: String
    public var title: String?
    public var author: String?
    /// Normalised: "tang" and "Tang" are both "Tang".
    public var dynasty: String?
    public var lines: [String]
    public var keywords: [String]
    /// The normalised text, when it differs from the original (nil for a
    /// poem already in the normalised script, and for poems read but not
    /// yet normalised).
    public var normalized: NormalizedText?
    /// The form, derived from the normalised lines at import (nil until then).
    public var form: PoemFormClass?

    public init(id: String, title: String?, author: String?, dynasty: String?, lines: [String], keywords: [String],
                normalized: NormalizedText? = nil, form: PoemFormClass? = nil) {
        self.id = id
        self.title = title
        self.author = author
        self.dynasty = dynasty
        self.lines = lines
        self.keywords = keywords
        self.normalized = normalized
        self.form = form
    }

    /// Title, author and lines in the normalised script.
    public struct NormalizedText: Codable, Sendable, Equatable {
        public var title: String?
        public var author: String?
        public var lines: [String]

        public init(title: String?, author: String?, lines: [String]) {
            self.title = title
            self.author = author
            self.lines = lines
        }
    }

    public var normalizedLines: [String] { normalized?.lines ?? lines }
    public var normalizedTitle: String? { normalized == nil ? title : normalized!.title }
    public var normalizedAuthor: String? { normalized == nil ? author : normalized!.author }

    /// The text embedded for the poem: its normalised lines joined by "，"
    /// and ended by "。".
    public var embeddingText: String { normalizedLines.joined(separator: "，") + "。" }
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
