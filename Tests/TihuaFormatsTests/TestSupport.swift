import Foundation
@_exported import TihuaTestSupport
import TihuaCompute

extension SeededRandom {
    mutating func vectors(_ count: Int, _ dimension: Int) -> [Float] {
        (0..<(count * dimension)).map { _ in gaussian() }
    }
}

/// Writes a .npy file of float32 (or the given descr and raw payload).
func writeNPY(_ path: String, rows: Int, columns: Int, values: [Float]) {
    writeNPY(path, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }",
             payload: values.withUnsafeBytes { Array($0) })
}

func writeNPY(_ path: String, header: String, payload: [UInt8], major: UInt8 = 1) {
    var h = Array(header.utf8)
    let prefix = major == 1 ? 10 : 12
    while (prefix + h.count + 1) % 64 != 0 { h.append(0x20) }
    h.append(0x0A)
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
    if major == 1 {
        bytes += [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
    } else {
        bytes += [UInt8(h.count & 0xFF), UInt8((h.count >> 8) & 0xFF), UInt8((h.count >> 16) & 0xFF), UInt8(h.count >> 24)]
    }
    bytes += h + payload
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

func writeLines(_ path: String, _ lines: [String]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
}

func normalized(_ v: ArraySlice<Float>) -> [Float] {
    let n = Float(v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
    return v.map { $0 / n }
}
