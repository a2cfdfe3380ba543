/// Typed reads from one JSON object of a config file, with errors that name
/// the file and the dotted key (`config.json: text_config.hidden_size: …`).
struct ConfigReader {
    let file: String
    let path: String
    let object: [String: JSONValue]

    /// Parses `bytes` as a config file whose top level must be an object.
    init(bytes: [UInt8], file: String) throws {
        let json = try JSONParser.parse(bytes, source: file)
        guard let object = json.objectValue else {
            throw ModelError(.format, "\(file): top level is not a JSON object")
        }
        self.init(file: file, path: "", object: object)
    }

    init(file: String, path: String, object: [String: JSONValue]) {
        self.file = file
        self.path = path
        self.object = object
    }

    func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }

    func error(_ k: String, _ what: String) -> ModelError {
        ModelError(.format, "\(file): \(key(k)): \(what)")
    }

    func unsupported(_ k: String, _ what: String) -> ModelError {
        ModelError(.unsupported, "\(file): \(key(k)): \(what)")
    }

    /// The value at `k`, treating JSON null as absent.
    func value(_ k: String) -> JSONValue? {
        guard let v = object[k], v != .null else { return nil }
        return v
    }

    /// The object at `k` (empty when absent) with the keys of the object at
    /// `override` (older exports' `*_config_dict`) taking precedence.
    func merged(_ k: String, _ override: String) throws -> ConfigReader {
        var object: [String: JSONValue] = [:]
        for key in [k, override] {
            guard let v = value(key) else { continue }
            guard let o = v.objectValue else { throw error(key, "expected an object, found \(v.brief)") }
            object.merge(o) { _, new in new }
        }
        return ConfigReader(file: file, path: key(k), object: object)
    }

    /// An integer, or a list of two equal integers (a square size), or nil.
    func optionalSquare(_ k: String) throws -> Int? {
        guard let v = value(k) else { return nil }
        if let pair = v.arrayValue {
            guard pair.count == 2, let a = pair[0].intValue, let b = pair[1].intValue, a == b else {
                throw unsupported(k, "\(v.rendered) is not a square size; only square images and patches are supported")
            }
            return try checkedInt(k, pair[0], minimum: 1)
        }
        return try checkedInt(k, v, minimum: 1)
    }

    /// A required integer ≥ `minimum`.
    func int(_ k: String, minimum: Int = 1) throws -> Int {
        guard let v = value(k) else { throw ModelError(.format, "\(file): missing key '\(key(k))'") }
        return try checkedInt(k, v, minimum: minimum)
    }

    /// An optional integer ≥ `minimum` (absent or null gives nil).
    func optionalInt(_ k: String, minimum: Int = 1) throws -> Int? {
        guard let v = value(k) else { return nil }
        return try checkedInt(k, v, minimum: minimum)
    }

    private func checkedInt(_ k: String, _ v: JSONValue, minimum: Int) throws -> Int {
        guard let n = v.intValue else { throw error(k, "expected an integer, found \(v.brief)") }
        guard n >= minimum else { throw error(k, "\(n) is below the minimum \(minimum)") }
        // Model sizes beyond this are not models but corrupt files.
        guard n <= 1 << 24 else { throw error(k, "\(n) is implausibly large") }
        return n
    }

    /// A finite positive number, or `fallback` when absent.
    func positiveDouble(_ k: String, default fallback: Double) throws -> Double {
        guard let v = value(k) else { return fallback }
        guard let d = v.doubleValue, d.isFinite, d > 0 else { throw error(k, "expected a positive number, found \(v.brief)") }
        return d
    }

    func string(_ k: String, default fallback: String) throws -> String {
        guard let v = value(k) else { return fallback }
        guard let s = v.stringValue else { throw error(k, "expected a string, found \(v.brief)") }
        return s
    }

    func bool(_ k: String, default fallback: Bool) throws -> Bool {
        guard let v = value(k) else { return fallback }
        guard let b = v.boolValue else { throw error(k, "expected true or false, found \(v.brief)") }
        return b
    }

    func activation(_ k: String, default fallback: String) throws -> Activation {
        let name = try string(k, default: fallback)
        guard let a = Activation(configName: name) else {
            throw unsupported(k, "unsupported activation '\(name)' (supported: \(Activation.supportedNames.joined(separator: ", ")))")
        }
        return a
    }
}
