/// The file formats a model folder's weights may come in.
public enum WeightFormat: String, Sendable, CaseIterable {
    case safetensors
    /// `torch.save` since 1.6: a zip of a pickle and storages.
    case torchZip = "torch-zip"
    /// `torch.save` before 1.6 (or with `_use_new_zipfile_serialization=False`).
    case torchLegacy = "torch-legacy"
    /// Several files named by `model.safetensors.index.json`.
    case shardedSafetensors = "sharded-safetensors"
    /// Several files named by `pytorch_model.bin.index.json`.
    case shardedTorch = "sharded-torch"

    /// The format of one weight file, from its first bytes: a zip, the legacy
    /// magic pickle, or a safetensors length prefix followed by '{'.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> WeightFormat? {
        if bytes.starts(with: TorchCheckpoint.magic) { return .torchZip }
        if bytes.starts(with: LegacyTorchCheckpoint.magic) { return .torchLegacy }
        if bytes.count >= 9, bytes[8] == UInt8(ascii: "{") { return .safetensors }
        return nil
    }

    /// Opens one weight file, whatever its format.
    static func open(file path: String) throws -> (TensorSource, WeightFormat) {
        let file = try MappedFile(path: path)
        switch detect(file.bytes) {
        case .torchZip: return (try TorchCheckpoint(contentsOf: path), .torchZip)
        case .torchLegacy: return (try LegacyTorchCheckpoint(contentsOf: path), .torchLegacy)
        case .safetensors: return (try SafeTensors(contentsOf: path), .safetensors)
        default:
            let head = file.bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
            throw ModelError(.format, "\(path): not a weight file (\(file.bytes.count) bytes starting \(head.isEmpty ? "with nothing" : head)): expected safetensors, a torch zip checkpoint or a legacy torch checkpoint")
        }
    }
}
