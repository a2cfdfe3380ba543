import Foundation

/// The numpy/FAISS reference arrays of Fixtures/ (made by
/// Fixtures/make_fixtures.py): raw little-endian files described by
/// manifest.json.
enum ReferenceArrays {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
    }

    static let folder: URL = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures folder missing from the test bundle")
        }
        return url
    }()

    static let manifest: [String: Entry] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try! JSONDecoder().decode([String: Entry].self, from: data)
    }()

    static func shape(_ name: String) -> [Int] { manifest[name]!.shape }

    static func load<T>(_ name: String, _ type: T.Type, dtype: String) -> [T] {
        guard let entry = manifest[name] else { fatalError("no fixture \(name)") }
        precondition(entry.dtype == dtype, "\(name) is \(entry.dtype), not \(dtype)")
        let data = try! Data(contentsOf: folder.appendingPathComponent(name + ".bin"))
        let count = entry.shape.reduce(1, *)
        precondition(data.count == count * MemoryLayout<T>.size, "\(name): \(data.count) bytes")
        return data.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
        }
    }

    // The test machines are little-endian (x86-64, arm64), as the files.
    static func floats(_ name: String) -> [Float] { load(name, Float.self, dtype: "float32") }
    static func bytes(_ name: String) -> [UInt8] { load(name, UInt8.self, dtype: "uint8") }
    static func halves(_ name: String) -> [UInt16] { load(name, UInt16.self, dtype: "uint16") }
    static func ints(_ name: String) -> [Int64] { load(name, Int64.self, dtype: "int64") }
}
