import Foundation
import Testing
import TihuaCompute
@testable import TihuaModels

/// Random damage to real JPEGs never crashes, hangs or yields a wrongly sized
/// image: each try decodes to width × height × 3 bytes within the limit, or
/// throws a ModelError.
@Suite struct JPEGFuzzTests {
    static let seeds = ["pubu.jpg", "progressive.jpg", "gray.jpg", "tiny.jpg", "feiliu.jpg", "wide.jpg", "cmyk.jpg", "ycck.jpg", "arith.jpg"]

    /// One random mutation of `jpeg`.
    static func mutate(_ jpeg: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var b = jpeg
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:  // flip a few random bytes
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 1:  // damage the headers, where sizes and tables live
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<min(b.count, 700), using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            }
        case 2:  // truncate
            b = Array(b[..<Int.random(in: 0..<b.count, using: &rng)])
        case 3:  // duplicate a stretch (a segment or part of the scan) elsewhere
            let start = Int.random(in: 0..<b.count, using: &rng)
            let end = min(b.count, start + Int.random(in: 1...600, using: &rng))
            b.insert(contentsOf: b[start..<end], at: Int.random(in: 0...b.count, using: &rng))
        case 4:  // delete a stretch
            let start = Int.random(in: 0..<b.count, using: &rng)
            b.removeSubrange(start..<min(b.count, start + Int.random(in: 1...300, using: &rng)))
        default:  // plant random markers
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<(b.count - 1), using: &rng)
                b[at] = 0xFF
                b[at + 1] = UInt8.random(in: 0xC0...0xFE, using: &rng)
            }
        }
        return b
    }

    @Test func mutatedJPEGsDecodeOrThrowModelError() throws {
        var rng = SeededRandom(seed: 20_240_611)
        let originals = try Self.seeds.map { try PreprocessFixtures.bytes("images/\($0)") }
        let maxPixels = 4_000_000
        var decoded = 0, refused = 0
        for iteration in 0..<400 {
            let which = iteration % originals.count
            let bytes = Self.mutate(originals[which], &rng)
            do {
                let image = try JPEGDecoder.decode(bytes, source: "fuzz\(iteration)", maxPixels: maxPixels)
                #expect(image.width > 0 && image.height > 0 && image.width * image.height <= maxPixels)
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            } catch let error as ModelError {
                #expect(error.message.hasPrefix("fuzz\(iteration): "), "\(error.message)")
                #expect(!error.message.contains("\n"))
                refused += 1
            } catch {
                Issue.record("fuzz\(iteration) (\(Self.seeds[which])): threw \(error), not a ModelError")
            }
        }
        // Both outcomes occur, so the mutations reach the decoder's checks and its success path.
        #expect(decoded > 20 && refused > 100, "decoded \(decoded), refused \(refused)")
    }
}
