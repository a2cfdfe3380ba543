import CTihuaKernels

/// 8-bit scalar quantisation with a trained range per dimension: FAISS's
/// `ScalarQuantizer` QT_8bit with its default range statistic (RS_minmax).
///
///     encode  t = (x − vmin) / vdiff clamped to [0, 1] (0 where vdiff = 0);  code = ⌊255 · t⌋
///     decode  x̂ = fma((code + 0.5) / 255, vdiff, vmin)
///
/// Ranges and codes equal FAISS's bit for bit; decodes too when the
/// dimension is a multiple of 8 (FAISS's SIMD path also fuses the
/// multiply-add; its scalar path, used for other dimensions, may differ by
/// one unit in the last place).
/// Components outside the trained range are clamped to it. A value is
/// immutable and safe to share between threads.
public struct ScalarQuantizer: Sendable, Equatable {
    public let dimension: Int
    /// Per-dimension lower bound.
    public let vmin: [Float]
    /// Per-dimension width (max − min), ≥ 0.
    public let vdiff: [Float]

    /// Ranges as trained (or as stored); nil unless both have `dimension`
    /// finite entries and every width is ≥ 0.
    public init?(vmin: [Float], vdiff: [Float]) {
        guard !vmin.isEmpty, vmin.count == vdiff.count,
              vmin.allSatisfy(\.isFinite), vdiff.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        dimension = vmin.count
        self.vmin = vmin
        self.vdiff = vdiff
    }

    /// Accumulates per-dimension minima and maxima over training rows given
    /// in any number of pieces (blocks, a sample).
    public struct Trainer: Sendable {
        public let dimension: Int
        public private(set) var rows = 0
        private var low: [Float]
        private var high: [Float]

        public init(dimension: Int) {
            precondition(dimension > 0)
            self.dimension = dimension
            low = [Float](repeating: .infinity, count: dimension)
            high = [Float](repeating: -.infinity, count: dimension)
        }

        /// Widens the ranges with `count` row-major rows.
        public mutating func add(_ rows: UnsafePointer<Float>, count: Int) {
            precondition(count >= 0)
            guard count > 0 else { return }
            let d = dimension
            low.withUnsafeMutableBufferPointer { lo in
                high.withUnsafeMutableBufferPointer { hi in
                    tihua_sq8_update_ranges(rows, count, d, lo.baseAddress!, hi.baseAddress!)
                }
            }
            self.rows += count
        }

        /// Takes in the rows another trainer saw (trainers of parts of the
        /// data, run on several cores, merge into the trainer of the whole:
        /// minima and maxima do not depend on the order).
        public mutating func merge(_ other: Trainer) {
            precondition(other.dimension == dimension)
            for j in 0..<dimension {
                low[j] = Swift.min(low[j], other.low[j])
                high[j] = Swift.max(high[j], other.high[j])
            }
            rows += other.rows
        }

        /// vmin = min, vdiff = max − min (float32, as FAISS). Nil before any
        /// row, or when a range is not finite (a NaN or infinite input).
        public func quantizer() -> ScalarQuantizer? {
            guard rows > 0 else { return nil }
            return ScalarQuantizer(vmin: low, vdiff: zip(high, low).map { $0 - $1 })
        }
    }

    /// Ranges trained on `count` row-major rows (all of them: min/max is one
    /// cheap pass), or nil for no rows or non-finite values.
    public static func train(_ rows: UnsafePointer<Float>, count: Int, dimension: Int) -> ScalarQuantizer? {
        var trainer = Trainer(dimension: dimension)
        trainer.add(rows, count: count)
        return trainer.quantizer()
    }

    /// Codes of `count` row-major rows (`count × dimension` bytes).
    public func encode(_ rows: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<UInt8>,
                       isa: KernelISA = .best) {
        precondition(count >= 0)
        vmin.withUnsafeBufferPointer { lo in
            vdiff.withUnsafeBufferPointer { diff in
                tihua_sq8_encode(isa.rawValue, rows, count, dimension, lo.baseAddress!, diff.baseAddress!, codes)
            }
        }
    }

    /// Decoded floats of `count` rows of codes.
    public func decode(_ codes: UnsafePointer<UInt8>, count: Int, into rows: UnsafeMutablePointer<Float>,
                       isa: KernelISA = .best) {
        precondition(count >= 0)
        vmin.withUnsafeBufferPointer { lo in
            vdiff.withUnsafeBufferPointer { diff in
                tihua_sq8_decode(isa.rawValue, codes, count, dimension, lo.baseAddress!, diff.baseAddress!, rows)
            }
        }
    }

    public func encode(_ rows: [Float], isa: KernelISA = .best) -> [UInt8] {
        precondition(rows.count % dimension == 0)
        if rows.isEmpty { return [] }
        return [UInt8](unsafeUninitializedCapacity: rows.count) { out, initialized in
            rows.withUnsafeBufferPointer { encode($0.baseAddress!, count: rows.count / dimension, into: out.baseAddress!, isa: isa) }
            initialized = rows.count
        }
    }

    public func decode(_ codes: [UInt8], isa: KernelISA = .best) -> [Float] {
        precondition(codes.count % dimension == 0)
        if codes.isEmpty { return [] }
        return [Float](unsafeUninitializedCapacity: codes.count) { out, initialized in
            codes.withUnsafeBufferPointer { decode($0.baseAddress!, count: codes.count / dimension, into: out.baseAddress!, isa: isa) }
            initialized = codes.count
        }
    }

    // MARK: Storage

    /// Bytes of the stored form: `dimension` vmin then `dimension` vdiff,
    /// float32 little-endian.
    public var storageSize: Int { 8 * dimension }

    public var storageBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(storageSize)
        for v in vmin + vdiff { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// Reads the stored form; nil when the size is not `8 × dimension` or
    /// the ranges are invalid (see `init(vmin:vdiff:)`).
    public init?(storageBytes bytes: UnsafeRawBufferPointer, dimension: Int) {
        guard dimension > 0, bytes.count == 8 * dimension else { return nil }
        let values = (0..<(2 * dimension)).map {
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
        }
        self.init(vmin: Array(values[..<dimension]), vdiff: Array(values[dimension...]))
    }
}
