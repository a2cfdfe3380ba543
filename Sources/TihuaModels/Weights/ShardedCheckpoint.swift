/// A model split over several weight files by an index
/// (`model.safetensors.index.json` or `pytorch_model.bin.index.json`):
/// `{"metadata": {…}, "weight_map": {"tensor name": "shard file name"}}`.
/// Every shard is opened (safetensors or torch, by content) and every
/// tensor the map names must be in the shard it names; a tensor found in
/// two shards is refused.
public final class ShardedCheckpoint: TensorSource, Sendable {
    public let source: String
    /// The shard files, in sorted order.
    public let shards: [String]
    /// The shards' formats (one each, in `shards` order).
    public let shardFormats: [WeightFormat]
    private let sources: [TensorSource]
    private let owner: [String: Int]   // tensor name → index in `sources`
    public let tensorNames: [String]

    /// At most this many shards (the largest HF models have a few hundred).
    static let maxShards = 10_000

    public init(index path: String) throws {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let json = try JSONParser.parse(try readWholeFile(path), source: path)
        guard let map = json.objectValue?["weight_map"]?.objectValue else {
            throw ModelError(.format, "\(path): no \"weight_map\" object (not a sharded checkpoint index)")
        }
        var fileOf: [String: String] = [:]
        for (name, value) in map {
            guard let file = value.stringValue else { throw ModelError(.format, "\(path): weight_map['\(name)'] is not a file name") }
            // Shards are siblings of the index: a path elsewhere is refused.
            guard !file.isEmpty, !file.contains("/"), file != ".", file != "..", file.utf8.count <= 255 else {
                throw ModelError(.format, "\(path): weight_map['\(name)'] names '\(file)', not a file beside the index")
            }
            fileOf[name] = file
        }
        let files = Set(fileOf.values).sorted()
        guard !files.isEmpty else { throw ModelError(.format, "\(path): weight_map is empty") }
        guard files.count <= Self.maxShards else {
            throw ModelError(.format, "\(path): \(files.count) shards (at most \(Self.maxShards))")
        }
        var sources: [TensorSource] = []
        var formats: [WeightFormat] = []
        var owner: [String: Int] = [:]
        for file in files {
            let (shard, format) = try WeightFormat.open(file: (folder.isEmpty ? "." : folder) + "/" + file)
            for name in shard.tensorNames {
                if let other = owner[name] {
                    throw ModelError(.format, "\(path): tensor '\(name)' is in both \(files[other]) and \(file)")
                }
                owner[name] = sources.count
            }
            sources.append(shard)
            formats.append(format)
        }
        for (name, file) in fileOf.sorted(by: { $0.key < $1.key }) {
            guard let i = owner[name] else {
                throw ModelError(.notFound, "\(path): tensor '\(name)' is mapped to \(file) but no shard holds it")
            }
            guard files[i] == file else {
                throw ModelError(.format, "\(path): tensor '\(name)' is mapped to \(file) but is in \(files[i])")
            }
        }
        self.source = path
        self.shards = files
        self.shardFormats = formats
        self.sources = sources
        self.owner = owner
        self.tensorNames = owner.keys.sorted()
    }

    // MARK: TensorSource

    public var sourceName: String { source }
    public func describe(_ name: String) -> TensorDescription? {
        owner[name].flatMap { sources[$0].describe(name) }
    }
    public func floats(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let i = owner[name] else { throw ModelError(.notFound, "\(source): missing tensor '\(name)'") }
        return try sources[i].floats(name)
    }
    public var backingFiles: [FileStatus] { sources.flatMap(\.backingFiles) }
}
