import Foundation
import Testing
@testable import TihuaModels

/// Inputs that must be refused with a one-line ModelError naming the source.
@Suite struct JPEGBadInputTests {
    private func error(_ body: () throws -> RGBImage) -> ModelError? {
        do {
            let image = try body()
            Issue.record("decoded a \(image.width)×\(image.height) image instead of failing")
            return nil
        } catch let error as ModelError {
            #expect(!error.message.contains("\n"))
            return error
        } catch {
            Issue.record("threw \(type(of: error)), not ModelError: \(error)")
            return nil
        }
    }

    private func temporaryFile(_ bytes: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tihua-jpeg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func truncatedFileIsRefusedNotFilledGrey() throws {
        let path = PreprocessFixtures.path("images/truncated.jpg")
        let e = try #require(error { try JPEGDecoder.decode(file: path) })
        #expect(e.kind == .format)
        #expect(e.message.hasPrefix("\(path): JPEG data ends early ("), "\(e.message)")
    }

    @Test func truncationAnywhereInTheScanIsRefused() throws {
        let bytes = try PreprocessFixtures.bytes("images/progressive.jpg")
        for keep in [bytes.count / 2, bytes.count * 9 / 10, bytes.count - 40] {
            let e = try #require(error { try JPEGDecoder.decode(Array(bytes[..<keep]), source: "cut\(keep)") })
            #expect(e.message.hasPrefix("cut\(keep): JPEG data ends early"), "\(e.message)")
        }
        let baseline = try PreprocessFixtures.bytes("images/pubu.jpg")
        let e = try #require(error { try JPEGDecoder.decode(Array(baseline[..<(baseline.count - 100)]), source: "b") })
        #expect(e.message.hasPrefix("b: JPEG data ends early"), "\(e.message)")
    }

    @Test func notAJPEG() throws {
        let path = PreprocessFixtures.path("images/not_a_jpeg.jpg")
        let e = try #require(error { try JPEGDecoder.decode(file: path) })
        #expect(e == ModelError(.format, "\(path): not a JPEG file (starts with 0x47 0x49)"))  // "GI": a GIF
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(error { try JPEGDecoder.decode(png, source: "x.png") } == ModelError(.format, "x.png: not a JPEG file (starts with 0x89 0x50)"))
        #expect(error { try JPEGDecoder.decode([0x42], source: "one") } == ModelError(.format, "one: not a JPEG file (1 byte: 0x42)"))
        // The SOI marker alone: a JPEG that stops before its first segment.
        #expect(error { try JPEGDecoder.decode([0xFF, 0xD8], source: "soi") } == ModelError(.format, "soi: JPEG data ends early (premature end of JPEG file)"))
    }

    @Test func emptyFile() throws {
        let path = try temporaryFile([], "x.jpg")
        let e = try #require(error { try JPEGDecoder.decode(file: path) })
        #expect(e == ModelError(.format, "\(path): empty file"))
        let f = try #require(error { try JPEGDecoder.decode([], source: "upload") })
        #expect(f.message == "upload: empty file")
    }

    @Test func missingFileAndDirectory() throws {
        let missing = PreprocessFixtures.path("images/no-such-image.jpg")
        let e = try #require(error { try JPEGDecoder.decode(file: missing) })
        #expect(e == ModelError(.notFound, "\(missing): no such file"))
        let dir = PreprocessFixtures.path("images")
        let d = try #require(error { try JPEGDecoder.decode(file: dir) })
        #expect(d.message == "\(dir): is a directory")
    }

    /// Devices and FIFOs are refused from their type, before a byte is read
    /// (a FIFO with no writer would block a read forever, /dev/zero never ends).
    @Test func nonRegularFilesAreRefusedBeforeReading() throws {
        let zero = try #require(error { try JPEGDecoder.decode(file: "/dev/zero") })
        #expect(zero == ModelError(.invalidInput, "/dev/zero: is a character device, not a regular file"))
        let folder = TemporaryFolder()
        let fifo = folder.file("photo.jpg")
        #expect(mkfifo(fifo, 0o600) == 0)
        let f = try #require(error { try JPEGDecoder.decode(file: fifo) })
        #expect(f == ModelError(.invalidInput, "\(fifo): is a FIFO, not a regular file"))
    }

    /// A 668-byte file whose header claims 65500 × 65500 (4.3 G pixels, 12.9 GB
    /// of RGB) is refused from the header, before any pixel memory exists.
    @Test func decompressionBombIsRefusedFromTheHeader() throws {
        let bomb = PreprocessFixtures.withSize(try PreprocessFixtures.bytes("images/tiny.jpg"), width: 65500, height: 65500)
        #expect(bomb.count < 1000)
        let e = try #require(error { try JPEGDecoder.decode(bomb, source: "bomb.jpg") })
        #expect(e == ModelError(.invalidInput, "bomb.jpg: 65500×65500 pixels exceeds the limit of \(JPEGDecoder.defaultMaxPixels)"))
        // The header alone is still readable.
        let info = try JPEGDecoder.info(bomb, source: "bomb.jpg")
        #expect(info.width == 65500 && info.height == 65500)
    }

    @Test func pixelLimitIsTheCallers() throws {
        let path = PreprocessFixtures.path("images/pubu.jpg")
        let e = try #require(error { try JPEGDecoder.decode(file: path, maxPixels: 331 * 270 - 1) })
        #expect(e.message == "\(path): 331×270 pixels exceeds the limit of 89369")
        #expect(try JPEGDecoder.decode(file: path, maxPixels: 331 * 270).width == 331)
        #expect(error { try JPEGDecoder.decode(file: path, maxPixels: 0) }?.kind == .invalidInput)
    }

    @Test func zeroSizeIsRefused() throws {
        let tiny = try PreprocessFixtures.bytes("images/tiny.jpg")
        for (w, h) in [(0, 2), (3, 0)] {
            let e = try #require(error { try JPEGDecoder.decode(PreprocessFixtures.withSize(tiny, width: w, height: h), source: "z.jpg") })
            #expect(e.message.hasPrefix("z.jpg: "), "\(e.message)")
            #expect(e.kind == .format)
        }
    }

    @Test func unsupportedKindsOfJPEG() throws {
        let tiny = try PreprocessFixtures.bytes("images/tiny.jpg")
        let sof = try #require(PreprocessFixtures.startOfFrame(tiny))
        var twelveBit = tiny
        twelveBit[sof + 2] = 12  // sample precision
        #expect(error { try JPEGDecoder.decode(twelveBit, source: "12.jpg") }
            == ModelError(.unsupported, "12.jpg: unsupported JPEG data precision 12"))
        var lossless = tiny
        lossless[sof - 1] = 0xC3  // SOF3: lossless Huffman
        #expect(error { try JPEGDecoder.decode(lossless, source: "ll.jpg") }
            == ModelError(.unsupported, "ll.jpg: unsupported JPEG process: SOF type 0xc3"))
    }

    @Test func corruptEntropyDataIsRefused() throws {
        // Overwrite the middle of pubu.jpg's scan with a restart-less marker.
        var bytes = try PreprocessFixtures.bytes("images/pubu.jpg")
        let middle = bytes.count / 2
        for i in 0..<64 { bytes[middle + i] = i % 2 == 0 ? 0xFF : 0xD5 }
        let e = try #require(error { try JPEGDecoder.decode(bytes, source: "c.jpg") })
        #expect(e.message.hasPrefix("c.jpg: "), "\(e.message)")
        #expect(e.kind == .format)
    }

    /// As Pillow: a baseline file missing only its final EOI marker decodes
    /// (every scanline was complete), anything shorter is refused, and bytes
    /// after EOI are ignored.
    @Test func endOfImageMarker() throws {
        let baseline = try PreprocessFixtures.bytes("images/pubu.jpg")
        let full = try JPEGDecoder.decode(baseline, source: "full")
        #expect(try JPEGDecoder.decode(Array(baseline.dropLast(2)), source: "noEOI") == full)
        #expect(try JPEGDecoder.decode(baseline + [1, 2, 3], source: "junk") == full)
        #expect(error { try JPEGDecoder.decode(Array(baseline.dropLast(3)), source: "short") }?.message
            == "short: JPEG data ends early (premature end of JPEG file)")
        // A progressive image is only complete once the marker after its last scan is read.
        let progressive = try PreprocessFixtures.bytes("images/progressive.jpg")
        #expect(error { try JPEGDecoder.decode(Array(progressive.dropLast(2)), source: "p") } != nil)
    }

    @Test func headerOnlyIsRefused() throws {
        let bytes = try PreprocessFixtures.bytes("images/pubu.jpg")
        let sof = try #require(PreprocessFixtures.startOfFrame(bytes))
        let e = try #require(error { try JPEGDecoder.decode(Array(bytes[..<(sof + 10)]), source: "h.jpg") })
        #expect(e.message.hasPrefix("h.jpg: JPEG data ends early"), "\(e.message)")
    }

    /// A progressive file that repeats a (valid) DC scan hundreds of times
    /// makes libjpeg redo a whole-image pass per scan; the shim stops at 500.
    @Test func endlessProgressiveScansAreCut() throws {
        let bytes = try PreprocessFixtures.bytes("images/progressive.jpg")
        // The first scan (SOS, DC of all components): its header and its
        // entropy-coded data, which runs to the next marker.
        var sos = 2
        while !(bytes[sos] == 0xFF && bytes[sos + 1] == 0xDA) { sos += 2 + Int(bytes[sos + 2]) << 8 + Int(bytes[sos + 3]) }
        var end = sos + 2 + Int(bytes[sos + 2]) << 8 + Int(bytes[sos + 3])
        while !(bytes[end] == 0xFF && bytes[end + 1] != 0 && !(0xD0...0xD7).contains(bytes[end + 1])) { end += 1 }
        var scan = Array(bytes[sos..<end])
        let components = Int(scan[4])
        let approximation = 5 + 2 * components + 2
        #expect(scan[approximation] == 0x01)  // Ah 0, Al 1
        // With Al = 0 a repeated DC first scan is consistent, so libjpeg does
        // not warn: only the scan limit stops it.
        scan[approximation] = 0x00
        func repeated(_ n: Int) -> [UInt8] {
            Array(bytes[..<sos]) + Array([[UInt8]](repeating: scan, count: n).joined()) + Array(bytes[end...])
        }
        let e = try #require(error { try JPEGDecoder.decode(repeated(600), source: "scans.jpg") })
        #expect(e == ModelError(.format, "scans.jpg: corrupt JPEG data (more than 500 scans)"))
        // 50 repeats pass the limit and fail later, on the DC refinement scan
        // that no longer follows a scan with Al = 1.
        let f = try #require(error { try JPEGDecoder.decode(repeated(50), source: "s50.jpg") })
        #expect(f.message.hasPrefix("s50.jpg: corrupt JPEG data (inconsistent progression sequence"), "\(f.message)")
    }
}
