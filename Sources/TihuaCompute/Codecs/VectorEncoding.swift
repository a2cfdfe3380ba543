/// How the components of stored vectors are encoded.
public enum VectorEncoding: Sendable, Equatable {
    /// IEEE float32: 4 bytes a component.
    case float32
    /// IEEE float16, round to nearest even: 2 bytes a component.
    case float16
    /// 8-bit codes with per-dimension ranges: 1 byte a component.
    case sq8(ScalarQuantizer)

    public var bytesPerComponent: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .sq8: 1
        }
    }

    public func bytesPerRow(dimension: Int) -> Int { bytesPerComponent * dimension }

    /// Encodes `count` row-major float32 rows into `destination`
    /// (`count × bytesPerRow` bytes).
    public func encode(_ rows: UnsafePointer<Float>, count: Int, dimension: Int, into destination: UnsafeMutableRawPointer,
                       isa: KernelISA = .best) {
        switch self {
        case .float32:
            destination.copyMemory(from: rows, byteCount: count * dimension * 4)
        case .float16:
            Float16Codec.encode(rows, count: count * dimension,
                                into: destination.assumingMemoryBound(to: UInt16.self), isa: isa)
        case .sq8(let quantizer):
            precondition(quantizer.dimension == dimension)
            quantizer.encode(rows, count: count, into: destination.assumingMemoryBound(to: UInt8.self), isa: isa)
        }
    }

    /// Decodes `count` stored rows into float32 (for a batch's `sgemm`, a
    /// rerank, or reading a vector back).
    public func decode(_ source: UnsafeRawPointer, count: Int, dimension: Int, into rows: UnsafeMutablePointer<Float>,
                       isa: KernelISA = .best) {
        switch self {
        case .float32:
            UnsafeMutableRawPointer(rows).copyMemory(from: source, byteCount: count * dimension * 4)
        case .float16:
            Float16Codec.decode(source.assumingMemoryBound(to: UInt16.self), count: count * dimension, into: rows, isa: isa)
        case .sq8(let quantizer):
            precondition(quantizer.dimension == dimension)
            quantizer.decode(source.assumingMemoryBound(to: UInt8.self), count: count, into: rows, isa: isa)
        }
    }
}
