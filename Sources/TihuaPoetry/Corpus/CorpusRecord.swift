/// The outcome of reading one record of a corpus file.
enum CorpusRecord: Sendable {
    case poem(Poem)
    /// `location` is "FILE line N" or "FILE record N".
    case invalid(location: String, reason: String)
}

/// A JSON value decoded without ever failing: corpora are checked field by
/// field, so that one bad field names itself instead of failing the file.
enum LooseJSON: Decodable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([LooseJSON])
    case object([String: LooseJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let a = try? c.decode([LooseJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: LooseJSON].self)) }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var object: [String: LooseJSON]? { if case .object(let o) = self { o } else { nil } }

    /// An array of strings, or nil if this is not one.
    var strings: [String]? {
        guard case .array(let items) = self else { return nil }
        var result: [String] = []
        for item in items {
            guard let s = item.string else { return nil }
            result.append(s)
        }
        return result
    }
}
