/// The only globals a checkpoint's pickle may name. Anything else —
/// `os.system`, `builtins.eval`, `torch.load` itself — is refused when the
/// GLOBAL opcode is read, before anything could be called; the allowed ones
/// are never executed either: their meaning is interpreted here.
enum TorchGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case rebuildFromTypeV2
    /// A typed storage class (`torch.FloatStorage` …) and the dtype it holds.
    case storageType(String, TensorDType)
    /// `torch.storage.UntypedStorage`: raw bytes.
    case untypedStorage
    /// A tensor class named as the type argument of `_rebuild_from_type_v2`
    /// (torch pickles a tensor with Python attributes that way). Only a tag:
    /// it cannot be called.
    case tensorType(String)

    static let storageTypes: [String: TensorDType] = [
        "FloatStorage": .f32, "HalfStorage": .f16, "BFloat16Storage": .bf16, "DoubleStorage": .f64,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
        "ByteStorage": .u8, "BoolStorage": .bool,
    ]

    /// The allowed global `module.name`, or nil.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch._tensor", "_rebuild_from_type_v2"): self = .rebuildFromTypeV2
        case ("torch.storage", "UntypedStorage"), ("torch", "UntypedStorage"): self = .untypedStorage
        case ("torch", "Tensor"), ("torch._tensor", "Tensor"), ("torch.nn.parameter", "Parameter"):
            self = .tensorType("\(module).\(name)")
        case ("torch", _):
            guard let dtype = Self.storageTypes[name] else { return nil }
            self = .storageType(name, dtype)
        default:
            return nil
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .rebuildFromTypeV2: return "torch._tensor._rebuild_from_type_v2"
        case .storageType(let name, _): return "torch.\(name)"
        case .untypedStorage: return "torch.storage.UntypedStorage"
        case .tensorType(let name): return name
        }
    }

    /// The dtype of a storage class, or nil for other globals.
    var storageDType: TensorDType? {
        switch self {
        case .storageType(_, let dtype): return dtype
        case .untypedStorage: return .u8
        default: return nil
        }
    }
}
