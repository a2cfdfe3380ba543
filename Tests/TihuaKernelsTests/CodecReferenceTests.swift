import Testing
import TihuaCompute

/// Codecs against numpy and FAISS (Fixtures/make_fixtures.py), at every
/// instruction-set level this CPU runs.
@Suite struct CodecReferenceTests {
    static let levels = KernelISA.allCases.filter(\.isSupported)

    @Test(arguments: ["odd", "unit"], levels)
    func sq8MatchesFAISS(_ name: String, isa: KernelISA) throws {
        let d = ReferenceArrays.shape("sq8_\(name)_train")[1]
        let train = ReferenceArrays.floats("sq8_\(name)_train")
        let quantizer = try #require(ScalarQuantizer.train(train, count: train.count / d, dimension: d))
        // Training: FAISS's `trained` is vmin then vdiff, bit for bit.
        #expect(quantizer.vmin + quantizer.vdiff == ReferenceArrays.floats("sq8_\(name)_trained"))
        // Codes equal FAISS's compute_codes (clamping, vdiff = 0, ±3e38 included).
        let x = ReferenceArrays.floats("sq8_\(name)_x")
        let codes = quantizer.encode(x, isa: isa)
        let expected = ReferenceArrays.bytes("sq8_\(name)_codes")
        #expect(codes == expected, "\(zip(codes, expected).filter { $0 != $1 }.count) codes differ")
        // Decodes: fma((code + 0.5) / 255, vdiff, vmin), computed here by Swift.
        let decoded = quantizer.decode(expected, isa: isa)
        let formula = expected.indices.map { i in
            quantizer.vmin[i % d].addingProduct((Float(expected[i]) + 0.5) / 255, quantizer.vdiff[i % d])
        }
        #expect(firstDifference(decoded, formula) == nil)
        // FAISS's decode: the same bits when d is a multiple of 8 (its SIMD
        // path fuses too); otherwise within the rounding of the product.
        let faiss = ReferenceArrays.floats("sq8_\(name)_decoded")
        if d % 8 == 0 {
            #expect(firstDifference(decoded, faiss) == nil)
        } else {
            #expect(decoded.indices.allSatisfy {
                abs(decoded[$0] - faiss[$0]) <= (abs(quantizer.vmin[$0 % d]) + quantizer.vdiff[$0 % d]).ulp
            })
            #expect(decoded != faiss)  // else the fixture does not tell the two roundings apart
        }
    }

    @Test(arguments: levels)
    func sq8TrainerTakesRowsInPieces(isa: KernelISA) throws {
        let d = ReferenceArrays.shape("sq8_odd_train")[1]
        let train = ReferenceArrays.floats("sq8_odd_train")
        var trainer = ScalarQuantizer.Trainer(dimension: d)
        #expect(trainer.quantizer() == nil)
        train.withUnsafeBufferPointer { p in
            for (start, count) in [(0, 1), (1, 120), (121, 179)] {
                trainer.add(p.baseAddress! + start * d, count: count)
            }
        }
        #expect(trainer.rows == 300)
        #expect(trainer.quantizer() == ScalarQuantizer.train(train, count: 300, dimension: d))
        // Trainers of two halves, merged, equal the trainer of the whole.
        var first = ScalarQuantizer.Trainer(dimension: d), second = ScalarQuantizer.Trainer(dimension: d)
        train.withUnsafeBufferPointer { p in
            first.add(p.baseAddress!, count: 150)
            second.add(p.baseAddress! + 150 * d, count: 150)
        }
        #expect(first.quantizer() != trainer.quantizer())
        first.merge(second)
        #expect(first.rows == 300 && first.quantizer() == trainer.quantizer())
    }

    @Test func sq8RangesRoundTripThroughStorageAndRejectBadOnes() throws {
        let d = ReferenceArrays.shape("sq8_unit_train")[1]
        let train = ReferenceArrays.floats("sq8_unit_train")
        let quantizer = try #require(ScalarQuantizer.train(train, count: train.count / d, dimension: d))
        let bytes = quantizer.storageBytes
        #expect(bytes.count == quantizer.storageSize)
        #expect(bytes.withUnsafeBytes { ScalarQuantizer(storageBytes: $0, dimension: d) } == quantizer)
        #expect(bytes.withUnsafeBytes { ScalarQuantizer(storageBytes: $0, dimension: d + 1) } == nil)
        #expect(bytes.dropLast().withUnsafeBytes { ScalarQuantizer(storageBytes: $0, dimension: d) } == nil)
        #expect(ScalarQuantizer(vmin: [0, 0], vdiff: [1, -1]) == nil)
        #expect(ScalarQuantizer(vmin: [.nan], vdiff: [1]) == nil)
        #expect(ScalarQuantizer(vmin: [0], vdiff: [.infinity]) == nil)
        #expect(ScalarQuantizer(vmin: [0, 1], vdiff: [1]) == nil)
        #expect(ScalarQuantizer(vmin: [], vdiff: []) == nil)
        #expect(ScalarQuantizer.train([1, .infinity], count: 1, dimension: 2) == nil)
        #expect(ScalarQuantizer.train([], count: 0, dimension: 2) == nil)
    }

    @Test(arguments: levels)
    func float16MatchesNumpyAndFAISS(isa: KernelISA) {
        let x = ReferenceArrays.floats("f16_x")
        let numpy = ReferenceArrays.halves("f16_numpy")
        let codes = Float16Codec.encode(x, isa: isa)
        // Round to nearest even, as numpy: every code equal.
        let at = codes.indices.first { codes[$0] != numpy[$0] }
        #expect(at == nil, "\(x[at ?? 0]) (bits \(x[at ?? 0].bitPattern)): \(codes[at ?? 0]) vs numpy \(numpy[at ?? 0])")
        // FAISS's QT_fp16 rounds an exact tie away from zero: it differs only
        // there, by one unit, towards the larger magnitude.
        let faiss = ReferenceArrays.halves("f16_faiss")
        var ties = 0
        for i in codes.indices where codes[i] != faiss[i] {
            let pair = Float16Codec.decode([codes[i] & 0x7fff, (codes[i] & 0x7fff) + 1])
            let low = pair[0], high = pair[1]
            #expect(faiss[i] == codes[i] + 1 && abs(x[i]) == (low + high) / 2, "f16 \(x[i]): \(codes[i]) vs FAISS \(faiss[i])")
            ties += 1
        }
        #expect(ties > 0)
        // Decoding is exact: FAISS's decode of the same codes, bit for bit.
        #expect(firstDifference(Float16Codec.decode(numpy, isa: isa), ReferenceArrays.floats("f16_faiss_decoded")) == nil)
    }
}
