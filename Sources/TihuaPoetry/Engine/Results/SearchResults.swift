/// A hit of a raw search: `{"id","score"}`.
public struct IDScore: Codable, Sendable, Equatable {
    public let id: String
    public let score: Float

    public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}

/// The answer to a raw search, one list per query, best first:
/// `{"results":[[{"id","score"}]]}`; `lines` gives the CLI's one line per
/// query, `{"query":i,"results":[…]}`.
public struct SearchResults: Codable, Sendable, Equatable {
    public let results: [[IDScore]]

    public init(results: [[IDScore]]) { self.results = results }

    /// One query's answer as `tihua search --json` prints it.
    public struct Line: Codable, Sendable, Equatable {
        public let query: Int
        public let results: [IDScore]
    }

    public var lines: [Line] { results.enumerated().map { Line(query: $0.offset, results: $0.element) } }
}
