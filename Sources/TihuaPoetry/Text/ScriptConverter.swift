import CTihuaOpenCC
import Synchronization

/// Converts Chinese text between scripts with OpenCC (`t2s`: traditional →
/// simplified, `s2t`, `t2tw`, …: the profiles of OpenCC's data folder).
///
/// OpenCC is exact but slow (about 1 µs a character: converting the 19M
/// characters of chinese-poetry's Tang and Song poems takes 16 s of CPU), so
/// a text is not always sent whole. OpenCC segments a text by maximum
/// matching against its dictionaries, then converts each segment on its own,
/// and a character that appears in no dictionary key is never changed and is
/// never part of a match. Such characters therefore cut a text into pieces
/// that OpenCC converts independently; with a single conversion step, so do
/// characters that appear only in one-character keys. The converter asks
/// OpenCC which characters those are when it opens the profile
/// (`tihua_opencc_key_classes`), converts each key character alone once, and
/// remembers the conversions of short multi-character pieces. Every answer
/// still comes from OpenCC; the result is byte-identical to converting the
/// whole text (checked on all 311,855 chinese-poetry poems for t2s, s2t,
/// s2twp, t2tw and tw2sp: Tools/bench/RESULTS.md).
///
/// Immutable once opened except for its piece cache (behind locks), and
/// OpenCC's converter keeps no state between calls: one instance may be
/// shared by threads.
public final class ScriptConverter: Sendable {
    /// The OpenCC profile, without `.json` (`t2s`).
    public let profile: String
    private let handle: Handle
    /// Per Unicode scalar: 0 never converted, 1 converted alone, 2 may be
    /// part of a longer match. Nil when texts must be converted whole.
    private let classes: [UInt8]?
    /// Each key character converted alone: its UTF-8 in `alonePool` at
    /// `aloneSpans[scalar]` (offset << 8 | length), for scalars below
    /// `flatSpans` (the BMP and the first supplementary planes); others in
    /// `otherSpans`.
    private let aloneSpans: [UInt32]
    private let otherSpans: [UInt32: UInt32]
    static let flatSpans: UInt32 = 0x30000
    private let alonePool: [UInt8]
    /// Conversions of multi-character pieces, in shards to keep threads apart.
    private let pieces: [PieceShard]

    static let pieceShards = 16
    /// Longer pieces are converted each time (they rarely repeat).
    static let maxCachedPieceBytes = 15
    static let maxCachedPiecesPerShard = 1 << 16

    /// Opens OpenCC profile `profile` (`t2s`, `s2t`, …, or a path to a
    /// profile's JSON file).
    public init(profile: String) throws {
        guard !profile.isEmpty, profile.utf8.count <= 4096, !profile.contains("\0") else {
            throw ScriptConverterError("'\(profile.prefix(80))' is not an OpenCC profile name")
        }
        let file = profile.hasSuffix(".json") ? profile : profile + ".json"
        var error: UnsafeMutablePointer<CChar>?
        guard let h = tihua_opencc_open(file, &error) else {
            throw ScriptConverterError("cannot open OpenCC profile '\(profile)': \(Self.take(error))")
        }
        self.profile = profile.hasSuffix(".json") ? String(profile.dropLast(5)) : profile
        handle = Handle(h)
        pieces = (0..<Self.pieceShards).map { _ in PieceShard() }

        var table = [UInt8](repeating: 0, count: 0x110000)
        let valid = table.withUnsafeMutableBufferPointer { tihua_opencc_key_classes(h, $0.baseAddress!) } == 1
        var spans = [UInt32](repeating: 0, count: valid ? Int(Self.flatSpans) : 0)
        var others: [UInt32: UInt32] = [:]
        var pool: [UInt8] = []
        if valid {
            for scalar in 0..<UInt32(0x110000) where table[Int(scalar)] != 0 {
                guard let s = Unicode.Scalar(scalar) else { continue }
                let converted = try Self.direct(handle, Array(String(Character(s)).utf8), profile: self.profile)
                guard converted.count < 256, pool.count < 1 << 24 else {
                    table[Int(scalar)] = 2  // converted as a piece instead
                    continue
                }
                let span = UInt32(pool.count) << 8 | UInt32(converted.count)
                if scalar < Self.flatSpans { spans[Int(scalar)] = span } else { others[scalar] = span }
                pool += converted
            }
        }
        classes = valid ? table : nil
        aloneSpans = spans
        otherSpans = others
        alonePool = pool
    }

    private static let opened = Mutex<[String: ScriptConverter]>([:])

    /// The converter for `profile`, opened once per process (opening reads
    /// OpenCC's dictionaries and converts every key character once: ~10 ms).
    public static func shared(profile: String) throws -> ScriptConverter {
        if let c = opened.withLock({ $0[profile] }) { return c }
        let c = try ScriptConverter(profile: profile)
        return opened.withLock { cache in
            if let existing = cache[profile] { return existing }
            cache[profile] = c
            return c
        }
    }

    /// `text` in the profile's target script. Characters OpenCC does not
    /// map (punctuation, Latin, characters already in the target script)
    /// are kept as they are.
    public func convert(_ text: String) throws -> String {
        if text.isEmpty { return text }
        var copy = text
        return try copy.withUTF8 { bytes in
            guard let classes else { return String(decoding: try Self.direct(handle, Array(bytes), profile: profile), as: UTF8.self) }
            return try classes.withUnsafeBufferPointer { try convert(bytes, classes: $0) } ?? text
        }
    }

    /// `text` sent to OpenCC whole (what `convert` must equal).
    func convertWhole(_ text: String) throws -> String {
        String(decoding: try Self.direct(handle, Array(text.utf8), profile: profile), as: UTF8.self)
    }

    private func convert(_ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>) throws -> String? {
        // Most lines of a text already in the target script hold no key
        // character at all: nothing to build then.
        var i = 0
        while i < bytes.count {
            let (scalar, length) = Self.decode(bytes, at: i)
            if classes[Int(scalar)] != 0 { break }
            i += length
        }
        if i == bytes.count { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<i]))
        var pieceStart = -1, pieceScalars = 0, pieceFirst: UInt32 = 0
        try alonePool.withUnsafeBufferPointer { pool in
          try aloneSpans.withUnsafeBufferPointer { flat in
            func appendAlone(_ scalar: UInt32) {
                let span = scalar < Self.flatSpans ? flat[Int(scalar)] : otherSpans[scalar]!
                out.append(contentsOf: UnsafeBufferPointer(rebasing: pool[Int(span >> 8)..<Int(span >> 8 + span & 0xFF)]))
            }
            func flush(_ end: Int) throws {
                guard pieceStart >= 0 else { return }
                if pieceScalars == 1 {
                    appendAlone(pieceFirst)
                } else {
                    out += try piece(UnsafeBufferPointer(rebasing: bytes[pieceStart..<end]))
                }
                pieceStart = -1
            }
            while i < bytes.count {
                let (scalar, length) = Self.decode(bytes, at: i)
                switch classes[Int(scalar)] {
                case 0:
                    try flush(i)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                case 1:
                    try flush(i)
                    appendAlone(scalar)
                default:
                    if pieceStart < 0 { (pieceStart, pieceScalars, pieceFirst) = (i, 0, scalar) }
                    pieceScalars += 1
                }
                i += length
            }
            try flush(bytes.count)
          }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A run of characters that may form longer matches, converted by
    /// OpenCC (remembered when short).
    private func piece(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        guard bytes.count <= Self.maxCachedPieceBytes else { return try Self.direct(handle, Array(bytes), profile: profile) }
        let key = PieceKey(bytes)
        let shard = pieces[Int((key.low ^ key.low >> 29 ^ key.high) % UInt64(Self.pieceShards))]
        if let hit = shard.cache.withLock({ $0[key] }) { return hit }
        let converted = try Self.direct(handle, Array(bytes), profile: profile)
        shard.cache.withLock { cache in
            if cache.count < Self.maxCachedPiecesPerShard { cache[key] = converted }
        }
        return converted
    }

    /// Decodes the scalar at `i` of valid UTF-8.
    @inline(__always)
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let c = UInt32(b[i])
        if c < 0x80 { return (c, 1) }
        if c < 0xE0 { return ((c & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if c < 0xF0 { return ((c & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3) }
        return ((c & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
    }

    /// OpenCC on a whole text. OpenCC stops at a NUL byte, so a text holding
    /// one is converted piece by piece around it.
    private static func direct(_ handle: Handle, _ bytes: [UInt8], profile: String) throws -> [UInt8] {
        if bytes.contains(0) {
            return try bytes.split(separator: 0, omittingEmptySubsequences: false)
                .map { try directCall(handle, Array($0), profile: profile) }
                .joined(separator: [0]).map { $0 }
        }
        return try directCall(handle, bytes, profile: profile)
    }

    private static func directCall(_ handle: Handle, _ bytes: [UInt8], profile: String) throws -> [UInt8] {
        if bytes.isEmpty { return [] }
        var error: UnsafeMutablePointer<CChar>?
        var length = 0
        let out = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { tihua_opencc_convert(handle.pointer, $0.baseAddress, $0.count, &length, &error) }
        }
        guard let out else {
            throw ScriptConverterError("OpenCC (\(profile)) could not convert a text: \(take(error))")
        }
        defer { tihua_opencc_free(out) }
        return out.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String {
        guard let error else { return "unknown error" }
        defer { tihua_opencc_free(error) }
        return String(cString: error)
    }

    private final class PieceShard: Sendable {
        let cache = Mutex<[PieceKey: [UInt8]]>([:])
    }

    /// A short piece as its UTF-8 bytes packed into two words (pieces of at
    /// most 16 bytes are cached).
    private struct PieceKey: Hashable {
        let low: UInt64, high: UInt64
        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            var l: UInt64 = 0, h: UInt64 = 0
            for (i, b) in bytes.enumerated() {
                if i < 8 { l |= UInt64(b) << (8 * UInt64(i)) } else { h |= UInt64(b) << (8 * UInt64(i - 8)) }
            }
            low = l
            high = h ^ UInt64(bytes.count) << 56
        }
    }

    /// Owns the OpenCC converter. Safe to share: OpenCC's conversion only
    /// reads the converter (its dictionaries and segmentation are immutable).
    private final class Handle: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { tihua_opencc_close(pointer) }
    }
}

/// An OpenCC profile that cannot be opened, or a text it cannot convert.
public struct ScriptConverterError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
