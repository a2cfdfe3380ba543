import Foundation

/// Writes a 2-D float32 `.npy` file (version 1.0, C order).
public func writeNPY(_ path: String, rows: Int, columns: Int, values: [Float]) {
    writeNPY(path, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }",
             payload: values.withUnsafeBytes { Array($0) })
}

/// Writes a `.npy` file with any header dictionary and raw payload, padded
/// as numpy pads it (so that tests can write files numpy would refuse).
public func writeNPY(_ path: String, header: String, payload: [UInt8], major: UInt8 = 1) {
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
