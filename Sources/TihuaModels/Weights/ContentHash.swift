import CXXHash

/// A 128-bit XXH3 hash, streamed: for identities and cache keys, not for
/// security (a model file's owner can change it anyway; the point is that
/// any change is noticed).
struct ContentHash {
    private let state: OpaquePointer

    init() {
        state = XXH3_createState()
        XXH3_128bits_reset(state)
    }

    /// Frees the state; the value is taken with `digest()` first.
    func free() { XXH3_freeState(state) }

    func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        XXH3_128bits_update(state, base, bytes.count)
    }

    func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
        add(separator: 0)
    }

    func add(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { add($0) }
    }

    func add(separator: UInt8) {
        withUnsafeBytes(of: separator) { add($0) }
    }

    func digest() -> (UInt64, UInt64) {
        let h = XXH3_128bits_digest(state)
        return (h.high64, h.low64)
    }

    /// The one-shot 128-bit hash of `bytes`.
    static func of(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let h = XXH3_128bits(bytes.baseAddress, bytes.count)
        return (h.high64, h.low64)
    }

    static func hex(_ h: (UInt64, UInt64)) -> String {
        func part(_ v: UInt64) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return part(h.0) + part(h.1)
    }
}
