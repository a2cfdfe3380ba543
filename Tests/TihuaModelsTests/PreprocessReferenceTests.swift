import Foundation
import Testing
@testable import TihuaModels

/// JPEG decode + ChineseCLIPImageProcessor preprocessing against the Python
/// reference (transformers 5.17, PIL backend): preprocess/reference.safetensors.
///
/// Observed (x86_64 Linux, libjpeg-turbo 2.1.5): max |diff| = 0 and mean
/// |diff| = 0 for all 8 images — bit-identical, because the decode equals
/// Pillow's, the resize reproduces Pillow's 8-bit arithmetic and the
/// normalisation rounds as transformers does. Required: max ≤ 0.03, mean ≤ 0.003.
@Suite struct PreprocessReferenceTests {
    static let reference = try! PreprocessSafetensors(path: PreprocessFixtures.path("preprocess/reference.safetensors"))

    @Test("pixel values equal the transformers reference", arguments: PreprocessFixtures.cases)
    func pixelValuesMatchReference(_ c: PreprocessFixtures.Case) throws {
        let expected = Self.reference.float32(c.tensor)
        #expect(expected.shape == [3, 224, 224])
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/\(c.image)"))
        let values = ImagePreprocessor.chineseCLIP.pixelValues(image)
        try #require(values.count == expected.values.count)

        var maxDiff: Float = 0, sum: Double = 0
        for (a, b) in zip(values, expected.values) {
            let d = abs(a - b)
            maxDiff = max(maxDiff, d)
            sum += Double(d)
        }
        let meanDiff = sum / Double(values.count)
        #expect(maxDiff <= 0.03, "\(c.image): max |diff| \(maxDiff)")
        #expect(meanDiff <= 0.003, "\(c.image): mean |diff| \(meanDiff)")
        // What this implementation actually achieves (see the suite comment).
        #expect(maxDiff <= 1e-6, "\(c.image): max |diff| \(maxDiff)")
    }

    /// The resize alone equals Pillow's `resize((224, 224), BICUBIC)` byte for
    /// byte, on every fixture including gray, 3×2 (upscaling), 1000×60 and CMYK.
    @Test("resize equals Pillow's", arguments: PreprocessFixtures.pillow.keys.sorted())
    func resizeEqualsPillow(_ name: String) throws {
        let expected = try #require(PreprocessFixtures.pillow[name])
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/\(name)"))
        let resized = ImagePreprocessor.chineseCLIP.resized(image)
        #expect(resized.width == 224 && resized.height == 224)
        #expect(PreprocessFixtures.fnv1a64(resized.pixels) == expected.resizedHash)
    }

    @Test func intoBufferEqualsArray() throws {
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/wide.jpg"))
        let p = ImagePreprocessor.chineseCLIP
        let values = p.pixelValues(image)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: p.count + 2)
        defer { buffer.deallocate() }
        buffer[p.count] = 42; buffer[p.count + 1] = 43
        p.pixelValues(image, into: buffer)
        #expect(Array(UnsafeBufferPointer(start: buffer, count: p.count)) == values)
        #expect(buffer[p.count] == 42 && buffer[p.count + 1] == 43)  // nothing written past the end
    }

    @Test func layoutIsCHWAndNormalised() {
        // A 1×1 image of one colour becomes three constant planes.
        let image = RGBImage(width: 1, height: 1, pixels: [0, 128, 255])
        let p = ImagePreprocessor(width: 4, height: 2, mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5])
        let v = p.pixelValues(image)
        #expect(v.count == 3 * 4 * 2)
        #expect(v[0..<8].allSatisfy { $0 == -1 })
        #expect(v[8..<16].allSatisfy { abs($0 - (128.0 / 255 - 0.5) / 0.25) < 1e-6 })
        #expect(v[16..<24].allSatisfy { $0 == 1 })
    }

    @Test func identitySizeLeavesPixelsUnchanged() throws {
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/pubu.jpg"))
        let same = ImagePreprocessor(width: image.width, height: image.height, mean: [0, 0, 0], std: [1, 1, 1])
        #expect(same.resized(image) == image)
        // Only one axis changing runs one pass; the other axis is untouched.
        let narrower = ImagePreprocessor(width: 100, height: image.height, mean: [0, 0, 0], std: [1, 1, 1]).resized(image)
        #expect(narrower.width == 100 && narrower.height == image.height)
    }

    @Test func rescaleOfOneOver255IsExact() {
        let p = ImagePreprocessor(mean: [0, 0, 0], std: [1, 1, 1])
        #expect(p.rescaleFactor == 1.0 / 255)
        let q = ImagePreprocessor(mean: [0, 0, 0], std: [1, 1, 1], rescale: 0.3)
        #expect(q.rescaleFactor == Double(Float(0.3)))
    }

    /// The coefficients of the fixed-point filter: rows sum to 1 (within
    /// rounding), the support widens with the scale, and upscaling uses 4 taps.
    @Test func kernelShape() {
        let shrink = BicubicResampler.Kernel(inSize: 1440, outSize: 224)
        let one = Double(1 << BicubicResampler.precisionBits)
        for o in 0..<224 {
            let row = shrink.weights[(o * shrink.taps)..<(o * shrink.taps + shrink.count[o])]
            #expect(abs(Double(row.reduce(0) { $0 + Int($1) }) / one - 1) < 1e-5)
        }
        #expect(shrink.count[112] == 26)  // 2 × 2 × 1440/224 rounded out
        let grow = BicubicResampler.Kernel(inSize: 3, outSize: 224)
        #expect(grow.count.allSatisfy { $0 <= 3 && $0 >= 2 })
    }
}
