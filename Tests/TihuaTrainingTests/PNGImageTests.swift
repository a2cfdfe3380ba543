import CZlib
import Testing
@testable import TihuaTraining

/// The PNG writer, read back chunk by chunk with zlib.
@Suite struct PNGImageTests {
    static func chunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8], crcOK: Bool)] {
        var out: [(String, [UInt8], Bool)] = []
        var i = 8
        func u32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        while i + 12 <= bytes.count {
            let length = Int(u32(i))
            let typed = Array(bytes[(i + 4)..<(i + 8 + length)])
            let crc = UInt32(crc32(0, typed, uInt(typed.count)))
            out.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4)), crc == u32(i + 8 + length)))
            i += 12 + length
        }
        return out
    }

    @Test func encodesRGBThatInflatesBackToThePixels() throws {
        var image = PNGImage(width: 5, height: 3)
        image[0, 0] = (255, 0, 0)
        image[4, 2] = (1, 2, 3)
        image[9, 9] = (7, 7, 7)   // outside: ignored
        let bytes = try image.encoded()
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let parts = Self.chunks(bytes)
        #expect(parts.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(parts.allSatisfy { $0.crcOK })
        #expect(parts[0].data == [0, 0, 0, 5, 0, 0, 0, 3, 8, 2, 0, 0, 0])
        var raw = [UInt8](repeating: 0, count: 3 * (1 + 15))
        var size = uLong(raw.count)
        #expect(uncompress(&raw, &size, parts[1].data, uLong(parts[1].data.count)) == Z_OK)
        #expect(Int(size) == 48)
        #expect(raw[0] == 0 && Array(raw[1...3]) == [255, 0, 0] && Array(raw[45...47]) == [1, 2, 3])
        #expect(raw[16] == 0 && Array(raw[17...19]) == [255, 255, 255])
    }

    @Test func lossChartDrawsBothCurves() throws {
        let training = (1...50).map { ($0, 6.0 - Double($0) / 20) }
        let validation = [(10, 5.6), (20, 5.1), (50, 3.9)]
        let image = LossChart.draw(training: training, validation: validation, totalSteps: 50, width: 200, height: 100)
        var blue = 0, grey = 0
        for y in 0..<100 { for x in 0..<200 {
            let p = image[x, y]
            if p == (30, 90, 200) { blue += 1 }
            if p == (150, 150, 150) { grey += 1 }
        } }
        #expect(blue > 50 && grey > 50)
        #expect(try image.encoded().count > 100)
    }
}
