extension DecodingError {
    /// What was wrong, in one short line naming the key: "missing 'dimension'",
    /// "'dimension': Expected to decode Int but found a string instead.", "not
    /// valid JSON" (the default description is a multi-line dump of contexts).
    package var summary: String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "missing '\(path(context.codingPath + [key]))'"
        case .valueNotFound(let type, let context):
            return "'\(path(context.codingPath))' is null, not \(type)"
        case .typeMismatch(_, let context):
            return "'\(path(context.codingPath))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "'\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "cannot be decoded"
        }
    }
}
