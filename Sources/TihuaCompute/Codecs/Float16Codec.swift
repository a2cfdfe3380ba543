import CTihuaKernels

/// IEEE binary16 storage of float32 components: round to nearest even on the
/// way in (as F16C and numpy's `astype(float16)`; FAISS's QT_fp16 encoder
/// rounds exact ties away from zero instead, a one-unit difference on about
/// one component in 8,000), exact on the way out.
public enum Float16Codec {
    /// `count` floats to halves.
    public static func encode(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<UInt16>,
                              isa: KernelISA = .best) {
        precondition(count >= 0)
        tihua_f16_encode(isa.rawValue, source, count, destination)
    }

    /// `count` halves to floats.
    public static func decode(_ source: UnsafePointer<UInt16>, count: Int, into destination: UnsafeMutablePointer<Float>,
                              isa: KernelISA = .best) {
        precondition(count >= 0)
        tihua_f16_decode(isa.rawValue, source, count, destination)
    }

    public static func encode(_ values: [Float], isa: KernelISA = .best) -> [UInt16] {
        if values.isEmpty { return [] }
        return [UInt16](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { encode($0.baseAddress!, count: values.count, into: out.baseAddress!, isa: isa) }
            initialized = values.count
        }
    }

    public static func decode(_ halves: [UInt16], isa: KernelISA = .best) -> [Float] {
        if halves.isEmpty { return [] }
        return [Float](unsafeUninitializedCapacity: halves.count) { out, initialized in
            halves.withUnsafeBufferPointer { decode($0.baseAddress!, count: halves.count, into: out.baseAddress!, isa: isa) }
            initialized = halves.count
        }
    }
}
