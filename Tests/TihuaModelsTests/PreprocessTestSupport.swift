import Foundation
@testable import TihuaModels

/// Fixture files of the JPEG and preprocessing tests (copied from shared/fixtures,
/// plus the CMYK files and pil_reference.json made by images/make_fixtures.py).
enum PreprocessFixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func json(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(relative))) as! [String: Any]
    }

    /// The 8 reference images of preprocess/cases.json.
    struct Case: Sendable, CustomStringConvertible {
        let image: String
        let tensor: String
        let width: Int
        let height: Int
        let mode: String
        var description: String { image }
    }

    static let cases: [Case] = {
        let cases = try! json("preprocess/cases.json")["cases"] as! [[String: Any]]
        return cases.map { c in
            let size = c["source_size"] as! [Int]
            return Case(image: c["image"] as! String, tensor: c["tensor"] as! String,
                        width: size[0], height: size[1], mode: c["mode"] as! String)
        }
    }()

    /// What Pillow 13 made of each JPEG (images/pil_reference.json).
    struct PillowResult {
        let mode: String
        let width: Int
        let height: Int
        let rgbHash: String
        let resizedHash: String
    }

    static let pillow: [String: PillowResult] = {
        let images = try! json("images/pil_reference.json")["images"] as! [String: [String: Any]]
        return images.mapValues { r in
            let size = r["size"] as! [Int]
            return PillowResult(mode: r["mode"] as! String, width: size[0], height: size[1],
                                rgbHash: r["rgb_fnv1a64"] as! String,
                                resizedHash: r["resized224_fnv1a64"] as! String)
        }
    }()

    /// FNV-1a 64 as lowercase hex, the hash make_fixtures.py writes.
    static func fnv1a64(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Byte offset of the SOFn segment's length field (the marker is 2 bytes before).
    static func startOfFrame(_ jpeg: [UInt8]) -> Int? {
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            let marker = jpeg[i + 1]
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) { return i + 2 }
            i += 2 + Int(jpeg[i + 2]) << 8 + Int(jpeg[i + 3])
        }
        return nil
    }

    /// `jpeg` with the frame header claiming `width` × `height`.
    static func withSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        var out = jpeg
        let sof = startOfFrame(jpeg)!
        out[sof + 3] = UInt8(height >> 8); out[sof + 4] = UInt8(height & 255)
        out[sof + 5] = UInt8(width >> 8); out[sof + 6] = UInt8(width & 255)
        return out
    }
}

/// A test-only safetensors reader: 8-byte little-endian header length, a JSON
/// header, then the data. Only F32 tensors are read.
struct PreprocessSafetensors: Sendable {
    private struct Entry: Sendable {
        let dtype: String
        let shape: [Int]
        let offsets: [Int]
    }
    private let data: Data
    private let entries: [String: Entry]
    private let dataStart: Int

    init(path: String) throws {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        precondition(length > 0 && 8 + length <= data.count, "\(path): bad safetensors header length")
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
        var entries = [String: Entry]()
        for (name, value) in header where name != "__metadata__" {
            let e = value as! [String: Any]
            entries[name] = Entry(dtype: e["dtype"] as! String, shape: e["shape"] as! [Int],
                                  offsets: e["data_offsets"] as! [Int])
        }
        self.entries = entries
        dataStart = 8 + length
    }

    func float32(_ name: String) -> (shape: [Int], values: [Float]) {
        let entry = entries[name]!
        precondition(entry.dtype == "F32", "\(name) is not F32")
        let bytes = data.subdata(in: (dataStart + entry.offsets[0])..<(dataStart + entry.offsets[1]))
        let values = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
        }
        precondition(values.count == entry.shape.reduce(1, *), "\(name): shape and data disagree")
        return (entry.shape, values)
    }
}
