/// A parsed JSON value. Numbers keep their literal text so that integers are
/// read exactly (a safetensors offset must not pass through a Double) and
/// floats are read as Double only when asked.
///
/// TihuaModels parses its own JSON (safetensors headers, config.json) with
/// `JSONParser` instead of Foundation so that untrusted bytes go through one
/// small, strict, depth-limited parser whose every failure is a `ModelError`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as an exact integer: only an integer literal that fits in `Int`.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// The value as a Double (any number literal).
    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// A short rendering for error messages (`"relu"`, `12`, `an object`).
    var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let t): return t
        case .string(let s): return s.count <= 40 ? "\"\(s)\"" : "\"\(s.prefix(40))…\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value written out compactly, keys sorted (`{"shortest_edge": 224}`).
    var rendered: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let t): return t
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!.rendered)" }.joined(separator: ", ") + "}"
        }
    }
}
