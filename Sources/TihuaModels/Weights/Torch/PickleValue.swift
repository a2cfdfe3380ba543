/// A value the pickle machine builds. Lists and dicts are references, as in
/// Python, so that a memoised object mutated later (SETITEMS after BINPUT)
/// is the same object wherever it was fetched. Globals, storages and tensors
/// are the torch objects the allow-list admits.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer wider than 64 bits: little-endian two's complement bytes (LONG1/LONG4).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(TorchGlobal)
    case storage(TorchStorageRef)
    case tensor(TorchTensorRecord)

    /// A short description for error messages.
    var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "a bool"
        case .int, .bigInt: return "an int"
        case .float: return "a float"
        case .string: return "a string"
        case .bytes: return "bytes"
        case .tuple(let t): return "a \(t.count)-tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        case .global(let g): return g.qualifiedName
        case .storage: return "a storage"
        case .tensor: return "a tensor"
        }
    }

    var intValue: Int? {
        if case .int(let v) = self { return v }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A dict in insertion order; string keys are indexed for lookup.
final class PickleDict {
    private(set) var pairs: [(key: PickleValue, value: PickleValue)] = []
    private var byString: [String: Int] = [:]
    private var byInt: [Int: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) throws {
        switch key {
        case .string(let s):
            if let i = byString[s] { pairs[i].value = value } else { byString[s] = pairs.count; pairs.append((key, value)) }
        case .int(let n):
            if let i = byInt[n] { pairs[i].value = value } else { byInt[n] = pairs.count; pairs.append((key, value)) }
        case .none, .bool, .float, .tuple, .bigInt, .bytes:
            // Hashable in Python; kept but not indexed (a state dict never uses them).
            pairs.append((key, value))
        default:
            throw ModelError(.format, "dict key is \(key.kindName), which is not hashable")
        }
    }

    subscript(_ key: String) -> PickleValue? { byString[key].map { pairs[$0].value } }
}
