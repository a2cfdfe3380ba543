import Foundation
import Testing
@testable import TihuaModels

@Suite struct JPEGDecoderTests {
    @Test("decoded size and mode match cases.json", arguments: PreprocessFixtures.cases)
    func sizeAndMode(_ c: PreprocessFixtures.Case) throws {
        let path = PreprocessFixtures.path("images/\(c.image)")
        let info = try JPEGDecoder.info(file: path)
        #expect(info.width == c.width && info.height == c.height)
        #expect(info.pillowMode == c.mode)
        let image = try JPEGDecoder.decode(file: path)
        #expect(image.width == c.width && image.height == c.height)
        #expect(image.pixels.count == c.width * c.height * 3)
    }

    @Test func headerDetails() throws {
        let gray = try JPEGDecoder.info(file: PreprocessFixtures.path("images/gray.jpg"))
        #expect(gray.components == 1 && gray.colorModel == .gray && !gray.isProgressive)
        let progressive = try JPEGDecoder.info(file: PreprocessFixtures.path("images/progressive.jpg"))
        #expect(progressive.isProgressive && progressive.colorModel == .ycbcr && progressive.components == 3)
        let cmyk = try JPEGDecoder.info(file: PreprocessFixtures.path("images/cmyk.jpg"))
        #expect(cmyk.colorModel == .cmyk && cmyk.components == 4 && cmyk.hasAdobeMarker && cmyk.pillowMode == "CMYK")
        let ycck = try JPEGDecoder.info(file: PreprocessFixtures.path("images/ycck.jpg"))
        #expect(ycck.colorModel == .ycck && ycck.components == 4)
        #expect(PreprocessFixtures.pillow.count == 11)  // every decodable fixture is compared with Pillow
    }

    @Test func grayIsReplicatedToRGB() throws {
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/gray.jpg"))
        var distinct = Set<UInt8>()
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            #expect(image.pixels[i] == image.pixels[i + 1] && image.pixels[i] == image.pixels[i + 2])
            distinct.insert(image.pixels[i])
        }
        #expect(distinct.count > 50)  // a real photo, not a flat fill
    }

    /// Every decodable fixture, byte for byte what Pillow 13 (libjpeg-turbo
    /// 3.2) gives for Image.open(f).convert("RGB"): baseline 4:2:0 and 4:4:4,
    /// progressive, gray, 3×2, 1000×60, Adobe CMYK and YCCK, arithmetic coding.
    @Test("decode equals Pillow's", arguments: PreprocessFixtures.pillow.keys.sorted())
    func decodeEqualsPillow(_ name: String) throws {
        let expected = try #require(PreprocessFixtures.pillow[name])
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/\(name)"))
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(PreprocessFixtures.fnv1a64(image.pixels) == expected.rgbHash)
    }

    /// CMYK conversion checked pixel by pixel against Pillow's RGB, so that a
    /// failure shows where and by how much.
    @Test(arguments: ["cmyk", "ycck"])
    func cmykMatchesPillow(_ name: String) throws {
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/\(name).jpg"))
        let expected = try PreprocessFixtures.bytes("images/\(name).rgb")
        #expect(image.width == 64 && image.height == 40)
        try #require(image.pixels.count == expected.count)
        let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst == 0, "\(name): max |RGB - Pillow| = \(worst)")
    }

    @Test func decodeFromBytesEqualsDecodeFromFile() throws {
        let bytes = try PreprocessFixtures.bytes("images/pubu.jpg")
        let a = try JPEGDecoder.decode(bytes, source: "pubu")
        let b = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/pubu.jpg"))
        #expect(a == b)
    }

    @Test func libjpegMessagesBecomeDetails() {
        #expect(JPEGDecoder.libjpegDetail("Corrupt JPEG data: premature end of data segment") == "premature end of data segment")
        #expect(JPEGDecoder.libjpegDetail("Premature end of JPEG file") == "premature end of JPEG file")
        #expect(JPEGDecoder.libjpegDetail("JPEG datastream contains no image") == "JPEG datastream contains no image")
    }
}
