#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes safetensors files: `u64 LE header length | JSON header padded with
/// spaces to a multiple of 8 | tensors back to back`, in the given order.
public enum SafeTensorsWriter {
    /// A tensor to write: its header fields and its raw little-endian bytes.
    public struct Entry: Sendable {
        public var name: String
        public var dtype: TensorDType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        public init(name: String, shape: [Int], floats: [Float]) {
            self.init(name: name, dtype: .f32, shape: shape, bytes: floats.withUnsafeBytes { Array($0) })
        }
    }

    /// Length prefix and padded JSON header for tensors laid out in order.
    public static func header(_ layout: [(name: String, dtype: TensorDType, shape: [Int], byteCount: Int)],
                              metadata: [String: String] = [:]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for t in layout {
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.byteCount)]}")
            offset += t.byteCount
        }
        var json = Array("{\(parts.joined(separator: ","))}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count)
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64(k)))) }
        return out + json
    }

    /// A whole file in memory.
    public static func serialize(_ entries: [Entry], metadata: [String: String] = [:]) -> [UInt8] {
        var out = header(entries.map { ($0.name, $0.dtype, $0.shape, $0.bytes.count) }, metadata: metadata)
        for e in entries { out += e.bytes }
        return out
    }

    /// Writes float32 tensors held in memory to `path`, streaming them (a
    /// 753 MB model is never copied), in `tensors.names` order.
    public static func write(_ tensors: InMemoryTensors, to path: String, metadata: [String: String] = ["format": "pt"]) throws {
        let layout = try tensors.names.map { name -> (String, TensorDType, [Int], Int) in
            let values = try tensors.floats(name)
            return (name, .f32, tensors.shape(of: name)!, values.count * 4)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelError(.io, "\(path): cannot create (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        func put(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
                guard n > 0 else { throw ModelError(.io, "\(path): write failed at byte \(done) (\(String(cString: strerror(errno))))") }
                done += n
            }
        }
        try header(layout, metadata: metadata).withUnsafeBytes { try put($0) }
        for name in tensors.names {
            let values = try tensors.floats(name)
            if !values.isEmpty { try put(UnsafeRawBufferPointer(values)) }
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// write(2), named apart from `SafeTensorsWriter.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
