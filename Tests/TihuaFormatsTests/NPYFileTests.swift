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

    /// The kind of error a body throws, and whether its message names the
    /// file and what was wrong (the exact wording is the CLI's tests' concern).
    func refusal(_ body: () throws -> Void, naming path: String, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) -> FormatError.Kind? {
        do {
            try body()
            return nil
        } catch let error as FormatError {
            #expect(error.message.hasPrefix(path) && error.message.contains(what), "\(error.message)",
                    sourceLocation: sourceLocation)
            return error.kind
        } catch {
            Issue.record("threw \(error), not a FormatError", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func refusesWhatItCannotReadExactly() throws {
        let p = dir.file("x.npy")
        let cases: [(header: String, payload: Int, what: String)] = [
            (header("<f4", "(2, 3)"), 20, "24 bytes"),
            (header("<f4", "(2, 3)"), 28, "28 bytes of data"),
            (header(">f4", "(2, 3)"), 24, "'>f4'"),
            (header("<i4", "(2, 3)"), 24, "'<i4'"),
            (header("<f4", "(2, 3)", fortran: "True"), 24, "Fortran"),
            (header("<f4", "(2, 3, 4)"), 96, "3 dimensions"),
            (header("<f4", "(100000000000000000, 100000000000000000)"), 0, "overflowing"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", 0, "malformed header"),
            (header("<f4", "(2, 0)"), 0, "0 columns"),
        ]
        for c in cases {
            writeNPY(p, header: c.header, payload: [UInt8](repeating: 0, count: c.payload))
            #expect(refusal({ _ = try NPYFile(path: p) }, naming: p, c.what) == .invalidInput, "\(c.header)")
        }
        _ = FileManager.default.createFile(atPath: p, contents: Data())
        #expect(refusal({ _ = try NPYFile(path: p) }, naming: p, "empty") == .invalidInput)
        _ = FileManager.default.createFile(atPath: p, contents: Data("PK\u{3}\u{4}not an npy".utf8))
        #expect(refusal({ _ = try NPYFile(path: p) }, naming: p, "magic") == .invalidInput)
        let missing = dir.file("missing.npy")
        #expect(refusal({ _ = try NPYFile(path: missing) }, naming: missing, "No such file") == .notFound)
        // A FIFO or a folder is refused at once; nothing waits for a writer.
        let fifo = dir.file("fifo.npy")
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(refusal({ _ = try NPYFile(path: fifo) }, naming: fifo, "not a regular file") == .invalidInput)
        #expect(refusal({ _ = try IDList.read(path: fifo) }, naming: fifo, "not a regular file") == .invalidInput)
        #expect(refusal({ _ = try NPYFile(path: dir.path) }, naming: dir.path, "not a regular file") == .invalidInput)
    }

    @Test func idsAreCheckedLineByLine() {
        let p = dir.file("ids.txt")
        for (text, what) in [("a\nb\na\n", "line 3"), ("a\n\nb\n", "line 2: empty id"), ("a\tb\n", "control character"),
                             (String(repeating: "x", count: 481) + "\n", "longer than 480")] {
            _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
            #expect(refusal({ _ = try IDList.read(path: p) }, naming: p, what) == .invalidInput)
        }
        _ = FileManager.default.createFile(atPath: p, contents: Data([0x61, 0xFF, 0x0A]))
        #expect(refusal({ _ = try IDList.read(path: p) }, naming: p, "UTF-8") == .invalidInput)
        _ = FileManager.default.createFile(atPath: p, contents: Data("a\r\nb\nc".utf8))
        #expect((try? IDList.read(path: p)) == ["a", "b", "c"])
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
                // What opens says exactly what the file holds.
                #expect(file.columns > 0 && bytes.count - file.dataOffset == file.rows * file.columns * file.elementType.size)
                var out = [Float](repeating: 0, count: file.rows * file.columns)
                try out.withUnsafeMutableBufferPointer { try file.readRows(0, count: file.rows, into: $0.baseAddress!) }
                opened += 1
            } catch let error as FormatError {
                #expect(error.kind == .invalidInput && error.message.hasPrefix(p), "\(error)")
                refused += 1
            }
        }
        // Both outcomes happen (a mutation may leave the file valid).
        #expect(opened > 0 && refused > 200)
    }
}
