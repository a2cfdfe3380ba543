import TihuaCompute

/// A model's identity, recorded by an index so that vectors or queries from
/// another model are refused. It is computed from what the model computes
/// with — the architecture and sizes read from config.json, the vocabulary's
/// tokens, and the float32 values of every tensor the model binds — so the
/// same weights have the same identity whether they come from safetensors, a
/// torch zip, a legacy checkpoint or shards, and any change to any value
/// gives another identity. Rendered `PREFIX-<32 hex digits>` (XXH3-128).
public enum ModelIdentity {
    /// Tensors are hashed in blocks of this many bytes, on all cores; the
    /// result does not depend on the number of cores.
    static let blockBytes = 4 << 20

    static func compute(prefix: String, configDescription: String, vocabulary: [String],
                        tensors: [WeightBinder.Bound]) -> String {
        // Every block of every tensor, hashed in parallel.
        var blocks: [(tensor: Int, range: Range<Int>)] = []
        for (i, t) in tensors.enumerated() {
            let size = t.values.count * MemoryLayout<Float>.size
            for start in stride(from: 0, to: max(size, 1), by: blockBytes) {
                blocks.append((i, start..<min(size, start + blockBytes)))
            }
        }
        var digests = [(UInt64, UInt64)](repeating: (0, 0), count: blocks.count)
        digests.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(count: blocks.count) { _, range in
                for b in range {
                    let raw = UnsafeRawBufferPointer(tensors[blocks[b].tensor].values)
                    out[b] = ContentHash.of(UnsafeRawBufferPointer(rebasing: raw[blocks[b].range]))
                }
            }
        }
        let hash = ContentHash()
        defer { hash.free() }
        hash.add("tihua model identity 2")
        hash.add(prefix)
        hash.add(configDescription)
        hash.add(vocabulary.count)
        for token in vocabulary { hash.add(token) }
        hash.add(tensors.count)
        var b = 0
        for (i, t) in tensors.enumerated() {
            hash.add(t.name)
            hash.add(t.shape.count)
            for d in t.shape { hash.add(d) }
            while b < blocks.count, blocks[b].tensor == i {
                withUnsafeBytes(of: digests[b].0) { hash.add($0) }
                withUnsafeBytes(of: digests[b].1) { hash.add($0) }
                b += 1
            }
        }
        return prefix + "-" + ContentHash.hex(hash.digest())
    }
}

extension ModelIdentity {
    /// The identity from `cache` when the files are unchanged, else
    /// `compute()` (hashing every bound tensor), stored for next time.
    /// Tensors held in memory (no backing files) are never cached.
    static func resolve(architecture: String, config: [UInt8], vocabulary: [UInt8], files: [FileStatus],
                        cache: ModelIdentityCache?, compute: () -> String) -> String {
        guard let cache, !files.isEmpty else { return compute() }
        let key = ModelIdentityCache.key(architecture: architecture, config: config, vocabulary: vocabulary, files: files)
        if let known = cache.lookup(key) { return known }
        let identity = compute()
        cache.store(key, identity)
        return identity
    }
}
