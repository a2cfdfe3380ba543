import Testing
import TihuaCompute

/// The AVX2 kernels against the portable code: bit-identical results on
/// random and extreme inputs, every dimension from 1 to 70 (tails of every
/// length) and 512, row counts that leave every remainder after groups of 4.
@Suite(.enabled(if: KernelISA.avx2.isSupported, "this CPU has no AVX2/FMA/F16C"))
struct KernelParityTests {
    static let dimensions = Array(1...70) + [127, 128, 512, 513]

    func scores(_ query: [Float], _ rows: UnsafeRawBufferPointer, count: Int, encoding: VectorEncoding,
                isa: KernelISA) -> [Float] {
        let prepared = query.withUnsafeBufferPointer { PreparedQuery($0, encoding: encoding, isa: isa) }
        var out = [Float](repeating: .nan, count: count)
        out.withUnsafeMutableBufferPointer { prepared.scores(rows.baseAddress!, count: count, into: $0.baseAddress!) }
        return out
    }

    func checkParity(_ query: [Float], _ rows: UnsafeRawBufferPointer, count: Int, encoding: VectorEncoding,
                     _ label: String) {
        let a = scores(query, rows, count: count, encoding: encoding, isa: .portable)
        let b = scores(query, rows, count: count, encoding: encoding, isa: .avx2)
        let at = firstDifference(a, b)
        #expect(at == nil, "\(label): row \(at ?? -1): portable \(a[at ?? 0]) avx2 \(b[at ?? 0])")
    }

    @Test(arguments: [false, true])
    func float32AndFloat16DotProducts(extreme: Bool) {
        var rng = SeededRandom(seed: extreme ? 11 : 10)
        for d in Self.dimensions {
            for n in [1, 3, 4, 7, 9] {
                let query = extreme ? rng.extremes(d) : rng.gaussians(d)
                let rows = extreme ? rng.extremes(n * d) : rng.gaussians(n * d)
                rows.withUnsafeBytes { checkParity(query, $0, count: n, encoding: .float32, "f32 d=\(d) n=\(n)") }
                // Halves of every kind: random bit patterns include subnormals, infinities and NaNs.
                let halves: [UInt16] = extreme ? (0..<(n * d)).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
                                               : Float16Codec.encode(rows)
                halves.withUnsafeBytes { checkParity(query, $0, count: n, encoding: .float16, "f16 d=\(d) n=\(n)") }
            }
        }
    }

    @Test(arguments: [false, true])
    func sq8DotProducts(extreme: Bool) {
        var rng = SeededRandom(seed: extreme ? 21 : 20)
        for d in Self.dimensions {
            let train = rng.gaussians(16 * d)
            let quantizer = ScalarQuantizer.train(train, count: 16, dimension: d)!
            for n in [1, 2, 4, 5, 11] {
                let query = extreme ? rng.extremes(d) : rng.gaussians(d)
                let codes = (0..<(n * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                codes.withUnsafeBytes { checkParity(query, $0, count: n, encoding: .sq8(quantizer), "sq8 d=\(d) n=\(n)") }
            }
        }
    }

    @Test func float16DecodeOfEveryHalf() {
        let all = (0...UInt16.max).map { $0 }
        let a = Float16Codec.decode(all, isa: .portable), b = Float16Codec.decode(all, isa: .avx2)
        // NaNs too: F16C quietens a signalling NaN and keeps its payload; so does the portable code.
        let at = a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
        #expect(at == nil, "half \(at ?? 0): portable \(a[at ?? 0].bitPattern) avx2 \(b[at ?? 0].bitPattern)")
    }

    @Test func float16EncodeOverFloatBitPatterns() {
        // Every 4099th bit pattern from 0 to 2^32, plus its neighbours: all
        // exponents, ties, subnormals, overflow, infinities and NaNs, in
        // vector bodies and in tails (the count is not a multiple of 8).
        var values: [Float] = []
        var u: UInt64 = 0
        while u < 1 << 32 {
            for delta: UInt64 in [0, 1, 4095, 4096, 4097] {
                values.append(Float(bitPattern: UInt32(truncatingIfNeeded: u &+ delta)))
            }
            u += 4099
        }
        values.append(contentsOf: [1, 2, 3])
        let a = Float16Codec.encode(values, isa: .portable), b = Float16Codec.encode(values, isa: .avx2)
        let at = a.indices.first { a[$0] != b[$0] }
        #expect(at == nil, "float \(values[at ?? 0].bitPattern): portable \(a[at ?? 0]) avx2 \(b[at ?? 0])")
    }

    @Test func sq8EncodeAndDecode() {
        var rng = SeededRandom(seed: 30)
        for d in Self.dimensions {
            var train = rng.gaussians(8 * d)
            if d > 3 { for r in 0..<8 { train[r * d + 2] = 0.5 } }  // a constant dimension: vdiff = 0
            let quantizer = ScalarQuantizer.train(train, count: 8, dimension: d)!
            let n = 9
            let x = rng.extremes(n * d).enumerated().map { $0.offset % 5 == 0 ? $0.element : $0.element * 2 }
                + [Float](repeating: .nan, count: d)  // a NaN row: code 0 in both
            let a = quantizer.encode(x, isa: .portable), b = quantizer.encode(x, isa: .avx2)
            #expect(a == b, "encode d=\(d)")
            let codes = (0..<(n * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let da = quantizer.decode(codes, isa: .portable), db = quantizer.decode(codes, isa: .avx2)
            #expect(firstDifference(da, db) == nil, "decode d=\(d)")
        }
    }
}
