import Foundation

/// Remembers computed model identities so that hashing every weight happens
/// once per version of the files, not on every open. An entry is keyed by a
/// hash of the config and vocabulary bytes and, for every weight file, its
/// device, inode, size, modification and change times: rewriting a file
/// (even with its old mtime restored) changes its ctime and so misses the
/// cache, and the identity is computed again from the values.
///
/// The cache is one small text file, `model-identities` in
/// `$XDG_CACHE_HOME/tihua` (or `~/.cache/tihua`): a model folder is often
/// read-only (a shared download, a mounted volume), and an index is not open
/// when a model is (`encode`), so neither is the place. Lines are
/// `<key hex> <identity>`, at most `capacity` of them, newest last; the
/// file is replaced atomically (write a temporary file, rename). A cache
/// that cannot be read or written only costs the hashing time.
public struct ModelIdentityCache: Sendable {
    public let file: String
    public static let capacity = 256

    public init(file: String) { self.file = file }

    /// The per-user cache, or nil when neither XDG_CACHE_HOME nor HOME is set.
    public static var standard: ModelIdentityCache? {
        let env = ProcessInfo.processInfo.environment
        let base: String
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = env["HOME"], !home.isEmpty {
            base = home + "/.cache"
        } else {
            return nil
        }
        return ModelIdentityCache(file: base + "/tihua/model-identities")
    }

    /// The key of a model version: architecture, config and vocabulary
    /// bytes, and the status of each weight file.
    static func key(architecture: String, config: [UInt8], vocabulary: [UInt8], files: [FileStatus]) -> String {
        let hash = ContentHash()
        defer { hash.free() }
        hash.add("identity cache 2")
        hash.add(architecture)
        config.withUnsafeBytes { hash.add(UnsafeRawBufferPointer(rebasing: $0[...])) }
        hash.add(separator: 1)
        vocabulary.withUnsafeBytes { hash.add(UnsafeRawBufferPointer(rebasing: $0[...])) }
        hash.add(separator: 2)
        for f in files { hash.add(f.key) }
        return ContentHash.hex(hash.digest())
    }

    func lookup(_ key: String) -> String? {
        for (k, identity) in entries().reversed() where k == key { return identity }
        return nil
    }

    func store(_ key: String, _ identity: String) {
        var lines = entries().filter { $0.key != key }
        lines.append((key, identity))
        if lines.count > Self.capacity { lines.removeFirst(lines.count - Self.capacity) }
        let text = lines.map { "\($0.key) \($0.identity)\n" }.joined()
        let folder = (file as NSString).deletingLastPathComponent
        let temporary = file + ".\(getpid()).tmp"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, file) == 0 else {
                unlink(temporary)
                return
            }
        } catch {
            unlink(temporary)
        }
    }

    /// The valid lines of the file (a damaged line is skipped).
    private func entries() -> [(key: String, identity: String)] {
        guard let file = try? MappedFile(path: file), file.bytes.count <= 1 << 20 else { return [] }
        let text = String(decoding: file.bytes, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0].count == 32, parts[0].allSatisfy(\.isHexDigit),
                  parts[1].count <= 128, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }
}
