/// A PyTorch zip checkpoint (`torch.save` since 1.6; `pytorch_model.bin` of
/// a Hugging Face folder): a zip of stored members under one top-level
/// folder — `data.pkl` (the state dict, pickled), `data/<key>` (one storage
/// each, aligned to 64 bytes), `byteorder`, `version` and a few markers.
///
/// The file is mapped; float32 tensors point into the map. The pickle is
/// interpreted against an allow-list (`TorchGlobal`), so nothing in the file
/// is ever executed.
public final class TorchCheckpoint: TableBackedTensorSource, Sendable {
    public let source: String
    /// The archive's top-level folder (`archive`, or the saved file's stem).
    public let archiveName: String
    /// True when the `byteorder` record says `big` (the data is byte-swapped on load).
    public let isBigEndian: Bool
    let table: TensorTable

    /// The first bytes of every zip file.
    static let magic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    public convenience init(contentsOf path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(bytes: file.bytes, owner: file, files: [file.status], source: path)
    }

    /// Reads an in-memory copy of a file (tests, fuzzing).
    public convenience init(bytes: [UInt8], source: String) throws {
        let box = AlignedBytes(bytes)
        try self.init(bytes: box.bytes, owner: box, files: [], source: source)
    }

    private init(bytes: UnsafeRawBufferPointer, owner: AnyObject, files: [FileStatus], source: String) throws {
        let zip = try ZipArchive(bytes: bytes, source: source)
        guard let first = zip.entries.first, let slash = first.name.firstIndex(of: "/") else {
            throw ModelError(.format, "\(source): a zip archive but not a PyTorch checkpoint (its first entry is not inside a folder)")
        }
        let prefix = String(first.name[..<slash])
        guard let pickle = zip.entry(prefix + "/data.pkl") else {
            throw ModelError(.format, "\(source): a zip archive but not a PyTorch checkpoint (no \(prefix)/data.pkl)")
        }
        var bigEndian = false
        if let order = zip.entry(prefix + "/byteorder") {
            let text = String(decoding: try zip.data(order), as: UTF8.self)
            switch text {
            case "little": bigEndian = false
            case "big": bigEndian = true
            default: throw ModelError(.format, "\(source): \(prefix)/byteorder says '\(text.prefix(20))', not 'little' or 'big'")
            }
        }
        let objects = TorchObjects(legacy: false)
        let pickleBytes = try zip.data(pickle)
        let (root, _) = try PickleMachine.run(pickleBytes, source: "\(source): \(prefix)/data.pkl", baseOffset: 0, objects: objects)
        let state = try TorchStateDict(root, source: source)
        let layouts = try state.layouts(source: source, bigEndian: bigEndian) { storage in
            let name = "\(prefix)/data/\(storage.key)"
            guard let entry = zip.entry(name) else {
                throw ModelError(.format, "\(source): storage '\(storage.key)' has no entry \(name) (truncated or damaged checkpoint)")
            }
            return try zip.data(entry)
        }
        self.source = source
        self.archiveName = prefix
        self.isBigEndian = bigEndian
        table = TensorTable(source: source, layouts: layouts, files: files, owners: [owner])
    }
}
