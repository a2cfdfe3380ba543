/// What the allowed globals mean, for the pickle machine: persistent ids
/// become storage references, `_rebuild_tensor_v2` and the parameter
/// rebuilders become tensor records, `OrderedDict()` a dict. Nothing is
/// executed; any other call is refused.
final class TorchObjects {
    /// The persistent id's shape: 5 fields in a zip checkpoint, 6 in the legacy format.
    let legacy: Bool
    /// Storages by key, as first declared.
    private(set) var storages: [String: TorchStorageRef] = [:]

    init(legacy: Bool) { self.legacy = legacy }

    /// `('storage', StorageType, key, location, numel)` (+ view metadata in the legacy format).
    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let f) = id else { throw ModelError(.format, "persistent id is \(id.kindName), not a tuple") }
        let fields = legacy ? 6 : 5
        guard f.count == fields, f[0].stringValue == "storage" else {
            throw ModelError(.format, "persistent id is not ('storage', type, key, location, size\(legacy ? ", view" : ""))")
        }
        guard case .global(let type) = f[1], let dtype = type.storageDType else {
            throw ModelError(.format, "persistent id names \(f[1].kindName), not a storage type")
        }
        guard let key = f[2].stringValue, !key.isEmpty, key.utf8.count <= 64,
              key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            throw ModelError(.format, "storage key \(f[2].kindName) is not a short printable name")
        }
        guard f[3].stringValue != nil else { throw ModelError(.format, "storage '\(key)': location is \(f[3].kindName), not a string") }
        guard let count = f[4].intValue, count >= 0 else {
            throw ModelError(.format, "storage '\(key)': size is \(f[4].kindName), not a non-negative int")
        }
        if legacy, case .none = f[5] {} else if legacy {
            throw ModelError(.unsupported, "storage '\(key)' is a view of another storage (a pre-0.4 checkpoint); re-save it with a current torch")
        }
        let ref = TorchStorageRef(key: key, dtype: dtype, elementCount: count)
        if let earlier = storages[key], earlier != ref {
            throw ModelError(.format, "storage '\(key)' is declared as \(earlier.elementCount) \(earlier.dtype.rawValue) and as \(count) \(dtype.rawValue)")
        }
        storages[key] = ref
        return .storage(ref)
    }

    func call(_ callable: PickleValue, _ args: [PickleValue]) throws -> PickleValue {
        guard case .global(let global) = callable else {
            throw ModelError(.format, "REDUCE calls \(callable.kindName), not an allowed global")
        }
        switch global {
        case .orderedDict:
            let dict = PickleDict()
            if let items = args.first {
                // OrderedDict(iterable of pairs)
                guard args.count == 1, case .list(let list) = items else {
                    throw ModelError(.format, "OrderedDict called with \(args.count) arguments")
                }
                for pair in list.items {
                    guard case .tuple(let kv) = pair, kv.count == 2 else { throw ModelError(.format, "OrderedDict item is not a pair") }
                    try dict.set(kv[0], kv[1])
                }
            }
            return .dict(dict)
        case .rebuildTensorV2:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count == 6 || args.count == 7 else {
                throw ModelError(.format, "_rebuild_tensor_v2 called with \(args.count) arguments (expected 6 or 7)")
            }
            guard case .storage(let storage) = args[0] else {
                throw ModelError(.format, "_rebuild_tensor_v2: first argument is \(args[0].kindName), not a storage")
            }
            guard let offset = args[1].intValue else { throw ModelError(.format, "_rebuild_tensor_v2: storage offset is \(args[1].kindName)") }
            let shape = try ints(args[2], "size"), strides = try ints(args[3], "stride")
            return .tensor(TorchTensorRecord(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            // (data, requires_grad, backward_hooks[, state])
            let expected = global == .rebuildParameter ? 3 : 4
            guard args.count == expected, case .tensor = args[0] else {
                throw ModelError(.format, "\(global.qualifiedName) called with \(args.count) arguments, first \(args.first?.kindName ?? "none")")
            }
            return args[0]
        case .rebuildFromTypeV2:
            // (func, new_type, args, state): the tensor is func(*args); its Python type does not matter here.
            guard args.count == 4, case .global(let function) = args[0], case .global(let type) = args[1],
                  case .tensorType = type, case .tuple(let inner) = args[2] else {
                throw ModelError(.format, "_rebuild_from_type_v2 called with unexpected arguments")
            }
            guard function == .rebuildTensorV2 || function == .rebuildParameter || function == .rebuildParameterWithState else {
                throw ModelError(.format, "_rebuild_from_type_v2 wraps \(function.qualifiedName), not a tensor rebuild")
            }
            return try call(args[0], inner)
        case .storageType, .untypedStorage, .tensorType:
            throw ModelError(.format, "the global '\(global.qualifiedName)' cannot be called in a checkpoint")
        }
    }

    /// BUILD: the state of a dict (OrderedDict's `_metadata`) or a tensor's
    /// Python attributes carry nothing the weights need.
    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        switch object {
        case .dict, .tensor: return object
        default: throw ModelError(.format, "BUILD on \(object.kindName)")
        }
    }

    private func ints(_ v: PickleValue, _ what: String) throws -> [Int] {
        guard case .tuple(let items) = v else { throw ModelError(.format, "tensor \(what) is \(v.kindName), not a tuple") }
        guard items.count <= TensorLayout.maxRank else {
            throw ModelError(.format, "tensor \(what) has \(items.count) dimensions (at most \(TensorLayout.maxRank))")
        }
        return try items.map {
            guard let n = $0.intValue else { throw ModelError(.format, "tensor \(what) holds \($0.kindName), not an int") }
            return n
        }
    }
}
