import Foundation
import TihuaCompute
import Testing
@testable import TihuaFormats
import TihuaStore

@Suite struct NPYFileTests {
    let dir = TemporaryFolder()

    func header(_ descr: String, _ shape: String, fortran: String = "False") -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? FormatError)?.message ?? (error as? StoreError)?.message ?? "\(error)" }
    }

    @Test func readsFloat32Float16AndFloat64() throws {
        let values: [Float] = [1, -2.5, 0.125, 65504, 3, 4]
        let f32 = dir.file("a32.npy"), f16 = dir.file("a16.npy"), f64 = dir.file("a64.npy")
        writeNPY(f32, rows: 2, columns: 3, values: values)
        // float16 bit patterns of the same values (1, -2.5, 0.125, 65504, 3, 4)
        let halves: [UInt16] = [0x3C00, 0xC100, 0x3000, 0x7BFF, 0x4200, 0x4400]
        writeNPY(f16, header: header("<f2", "(2, 3)"), payload: halves.withUnsafeBytes { Array($0) })
        writeNPY(f64, header: header("<f8", "(2, 3)"), payload: values.map(Double.init).withUnsafeBytes { Array($0) }, major: 2)
        for path in [f32, f16, f64] {
            let file = try NPYFile(path: path)
            #expect(file.rows == 2 && file.columns == 3)
            var out = [Float](repeating: 0, count: 6)
            try out.withUnsafeMutableBufferPointer { try file.readRows(0, count: 2, into: $0.baseAddress!) }
            #expect(out == values, "\(path)")
            var second = [Float](repeating: 0, count: 3)
            try second.withUnsafeMutableBufferPointer { try file.readRows(1, count: 1, into: $0.baseAddress!) }
            #expect(second == Array(values[3...]))
        }
    }

    @Test func halfPrecisionSubnormalsInfinityAndNaN() {
        #expect(Half.toFloat(0x0001) == Float(bitPattern: 0x3380_0000))  // 2^-24
        #expect(Half.toFloat(0x7C00) == .infinity)
        #expect(Half.toFloat(0xFC00) == -.infinity)
        #expect(Half.toFloat(0x7E00).isNaN)
        #expect(Half.toFloat(0x8000).sign == .minus)
    }

    @Test func refusesWhatItCannotReadExactly() {
        let p = dir.file("x.npy")
        writeNPY(p, header: header("<f4", "(2, 3)"), payload: [UInt8](repeating: 0, count: 20))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): header says 2×3 <f4 (24 bytes) but the file holds 20 bytes of data")
        writeNPY(p, header: header("<f4", "(2, 3)"), payload: [UInt8](repeating: 0, count: 28))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): header says 2×3 <f4 (24 bytes) but the file holds 28 bytes of data")
        writeNPY(p, header: header(">f4", "(2, 3)"), payload: [UInt8](repeating: 0, count: 24))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): dtype '>f4' is not supported (use little-endian float32 '<f4', float16 '<f2' or float64 '<f8')")
        writeNPY(p, header: header("<i4", "(2, 3)"), payload: [UInt8](repeating: 0, count: 24))
        #expect(message { _ = try NPYFile(path: p) }?.hasPrefix("\(p): dtype '<i4' is not supported") == true)
        writeNPY(p, header: header("<f4", "(2, 3)", fortran: "True"), payload: [UInt8](repeating: 0, count: 24))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): array is in Fortran order; save it in C order (np.ascontiguousarray)")
        writeNPY(p, header: header("<f4", "(2, 3, 4)"), payload: [UInt8](repeating: 0, count: 96))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): array has 3 dimensions [2, 3, 4]; a 2-D (rows, dim) array is needed")
        writeNPY(p, header: header("<f4", "(100000000000000000, 100000000000000000)"), payload: [])
        #expect(message { _ = try NPYFile(path: p) } == "\(p): header says 100000000000000000×100000000000000000 <f4 (overflowing bytes) but the file holds 0 bytes of data")
        writeNPY(p, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", payload: [])
        #expect(message { _ = try NPYFile(path: p) }?.hasPrefix("\(p): malformed header") == true)
        _ = FileManager.default.createFile(atPath: p, contents: Data())
        #expect(message { _ = try NPYFile(path: p) } == "\(p): empty file, not a .npy array")
        _ = FileManager.default.createFile(atPath: p, contents: Data("PK\u{3}\u{4}not an npy".utf8))
        #expect(message { _ = try NPYFile(path: p) } == "\(p): not a .npy file (no \\x93NUMPY magic)")
        #expect(message { _ = try NPYFile(path: dir.file("missing.npy")) } == "\(dir.file("missing.npy")): cannot open (No such file or directory)")
    }

    /// Random mutations of a valid file's bytes and length never crash the
    /// reader: each either opens with a size that matches the file or throws.
    @Test func fuzzedHeadersNeverCrash() throws {
        let p = dir.file("fuzz.npy")
        writeNPY(p, rows: 3, columns: 4, values: (0..<12).map(Float.init))
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: p)))
        var rng = SeededRandom(seed: 42)
        var opened = 0, refused = 0
        for _ in 0..<400 {
            var bytes = original
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:  // flip bytes in the header region
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<min(bytes.count, 128), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:  // truncate
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 2:  // extend
                bytes += (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default:  // printable garbage inside the dictionary
                let i = Int.random(in: 10..<min(bytes.count, 80), using: &rng)
                bytes[i] = Array("(),:'0123456789 {}TrueFalse<f48".utf8).randomElement(using: &rng)!
            }
            _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
            do {
                let file = try NPYFile(path: p)
                var out = [Float](repeating: 0, count: file.rows * file.columns)
                try out.withUnsafeMutableBufferPointer { try file.readRows(0, count: file.rows, into: $0.baseAddress!) }
                opened += 1
            } catch is FormatError {
                refused += 1
            }
        }
        #expect(opened + refused == 400)
        #expect(refused > 200)
    }
}
