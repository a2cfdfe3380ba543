/// A storage named by a persistent id: `('storage', type, key, location,
/// numel)` in a zip checkpoint (the bytes are the entry `data/<key>`), plus a
/// sixth view field in the legacy format. Tensors referencing one key share
/// its bytes (tied weights).
struct TorchStorageRef: Equatable {
    let key: String
    let dtype: TensorDType
    /// Elements of `dtype` in the storage.
    let elementCount: Int
}

/// A tensor rebuilt from `_rebuild_tensor_v2(storage, offset, size, stride, …)`:
/// a view of a storage, not yet checked against its bytes.
struct TorchTensorRecord {
    let storage: TorchStorageRef
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
