/// The tensors of an unpickled checkpoint: the top-level dict's tensor
/// values by name (a `state_dict`), or those of its `state_dict` entry when
/// the file is a training checkpoint that wraps one. Other values (epochs,
/// names, metadata) are skipped.
struct TorchStateDict {
    let tensors: [String: TorchTensorRecord]

    init(_ root: PickleValue, source: String) throws {
        guard case .dict(var dict) = root else {
            throw ModelError(.format, "\(source): the pickle holds \(root.kindName), not a dict of tensors (not a model state dict)")
        }
        if case .dict(let inner)? = dict["state_dict"] { dict = inner }
        var tensors: [String: TorchTensorRecord] = [:]
        for (key, value) in dict.pairs {
            guard case .tensor(let record) = value else { continue }
            guard let name = key.stringValue else {
                throw ModelError(.format, "\(source): a tensor is keyed by \(key.kindName), not a name")
            }
            tensors[name] = record
        }
        guard !tensors.isEmpty else {
            throw ModelError(.format, "\(source): the pickle holds no tensors (not a model state dict)")
        }
        self.tensors = tensors
    }

    /// Checks each tensor's view against its storage's bytes (`bytes(key)`)
    /// and returns the layouts.
    func layouts(source: String, bigEndian: Bool,
                 bytes: (TorchStorageRef) throws -> UnsafeRawBufferPointer) throws -> [String: TensorLayout] {
        var storageBytes: [String: UnsafeRawBufferPointer] = [:]
        var layouts: [String: TensorLayout] = [:]
        for (name, record) in tensors {
            let storage = record.storage
            let data: UnsafeRawBufferPointer
            if let known = storageBytes[storage.key] {
                data = known
            } else {
                data = try bytes(storage)
                let (needed, overflow) = storage.elementCount.multipliedReportingOverflow(by: storage.dtype.byteSize)
                guard !overflow, data.count == needed else {
                    throw ModelError(.format, "\(source): storage '\(storage.key)' of tensor '\(name)' declares \(storage.elementCount) \(storage.dtype.rawValue) elements but holds \(data.count) bytes")
                }
                storageBytes[storage.key] = data
            }
            layouts[name] = try TensorLayout(name: name, dtype: storage.dtype, shape: record.shape, strides: record.strides,
                                             offset: record.offset, storage: data, bigEndian: bigEndian, source: source)
        }
        return layouts
    }
}
