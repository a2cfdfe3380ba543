import CTihuaKernels

/// One query made ready to score rows of one encoding: the float32 query
/// for float32 and float16 rows; for SQ8 rows the weights and bias of
///     q · decode(code) = bias + Σⱼ wⱼ · codeⱼ,
///     wⱼ = qⱼ · vdiffⱼ / 255,  bias = Σⱼ qⱼ · (vminⱼ + vdiffⱼ / 510)
/// (an exact identity; w and bias are computed in double and rounded once),
/// so the inner loop is a widening uint8 → float multiply-add.
///
/// Immutable: many threads may score with one value at once.
public struct PreparedQuery: Sendable {
    public let encoding: VectorEncoding
    public let dimension: Int
    /// The query (float32, float16) or the SQ8 weights.
    public let weights: [Float]
    /// Added to every SQ8 score; 0 otherwise.
    public let bias: Float
    public let isa: KernelISA

    /// `query` has `encoding`'s dimension (for SQ8, the quantizer's).
    public init(_ query: UnsafeBufferPointer<Float>, encoding: VectorEncoding, isa: KernelISA = .best) {
        self.encoding = encoding
        self.isa = isa
        dimension = query.count
        switch encoding {
        case .float32, .float16:
            weights = Array(query)
            bias = 0
        case .sq8(let quantizer):
            precondition(query.count == quantizer.dimension, "query of \(query.count) for SQ8 of \(quantizer.dimension)")
            var b: Float = 0
            weights = [Float](unsafeUninitializedCapacity: query.count) { w, initialized in
                quantizer.vmin.withUnsafeBufferPointer { lo in
                    quantizer.vdiff.withUnsafeBufferPointer { diff in
                        b = tihua_sq8_prepare_query(query.baseAddress!, lo.baseAddress!, diff.baseAddress!, query.count,
                                                    w.baseAddress!)
                    }
                }
                initialized = query.count
            }
            bias = b
        }
    }

    /// `out[i]` = the score of row `i` of `count` rows stored in this
    /// query's encoding from `rows` (no alignment needed).
    @inline(__always)
    public func scores(_ rows: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            let q = w.baseAddress!
            switch encoding {
            case .float32:
                tihua_dot_f32(isa.rawValue, q, rows.assumingMemoryBound(to: Float.self), count, dimension, out)
            case .float16:
                tihua_dot_f16(isa.rawValue, q, rows.assumingMemoryBound(to: UInt16.self), count, dimension, out)
            case .sq8:
                tihua_dot_sq8(isa.rawValue, q, bias, rows.assumingMemoryBound(to: UInt8.self), count, dimension, out)
            }
        }
    }
}
