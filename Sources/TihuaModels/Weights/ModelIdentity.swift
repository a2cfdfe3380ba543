/// A model's fingerprint, recorded by an index so that a query embedded by
/// another model is refused. Stable across runs, different for different
/// weights, and cheap: it never reads a whole 753 MB file.
enum ModelIdentity {
    static let sampleCount = 16
    static let sampleBytes = 64 << 10

    /// 64-bit FNV-1a over config.json, vocab.txt, the safetensors length
    /// prefix and header, and 16 samples of 64 KiB evenly spaced over the
    /// data section (all of it when smaller). Rendered `PREFIX-<16 hex digits>`.
    static func compute(prefix: String, config: [UInt8], vocabulary: [UInt8], weights: SafeTensors) -> String {
        var hash = FNV1a()
        hash.add(config)
        hash.add(vocabulary)
        let file = weights.fileBytes
        hash.add(UnsafeRawBufferPointer(rebasing: file[0..<weights.dataStart]))
        let dataSize = file.count - weights.dataStart
        if dataSize <= sampleCount * sampleBytes {
            hash.add(UnsafeRawBufferPointer(rebasing: file[weights.dataStart...]))
        } else {
            for i in 0..<sampleCount {
                let start = weights.dataStart + i * (dataSize - sampleBytes) / (sampleCount - 1)
                hash.add(UnsafeRawBufferPointer(rebasing: file[start..<(start + sampleBytes)]))
            }
        }
        return prefix + "-" + hash.hex
    }
}

/// 64-bit FNV-1a.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
