import TihuaCompute
#if canImport(Glibc)
import Glibc
#endif

/// A 2-D NumPy `.npy` array of little-endian float32, float16 or float64 in
/// C order, read a slice of rows at a time (the file is never held whole).
///
/// Everything in the header is checked before any data is read: the magic
/// and version, the dictionary's syntax, the dtype, the order, the shape, and
/// that the data section is exactly `rows × columns × item size` bytes.
public final class NPYFile {
    public enum ElementType: String, Sendable, Equatable {
        case float16 = "<f2", float32 = "<f4", float64 = "<f8"
        package var size: Int { switch self { case .float16: 2; case .float32: 4; case .float64: 8 } }
    }

    public let path: String
    public let rows: Int
    public let columns: Int
    public let elementType: ElementType
    let dataOffset: Int
    private let fd: Int32

    public init(path: String) throws {
        self.path = path
        // Non-blocking: a FIFO is refused below instead of waiting for a writer.
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw FormatError.system(errno, path, "open")
        }
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw FormatError.system(errno, path, "stat") }
            guard st.st_mode & S_IFMT == S_IFREG else { throw FormatError(.invalidInput, "\(path): not a regular file") }
            let fd = self.fd
            let header = try NPYHeader.parse(fileSize: Int(st.st_size), path: path) { offset, count in
                var bytes = [UInt8](repeating: 0, count: count)
                let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(offset)) }
                return Array(bytes.prefix(max(0, got)))
            }
            (rows, columns, elementType, dataOffset) = (header.rows, header.columns, header.type, header.dataOffset)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Reads rows `start ..< start + count` as float32 into `out`
    /// (`count × columns` floats), converting from the stored type.
    public func readRows(_ start: Int, count: Int, into out: UnsafeMutablePointer<Float>) throws {
        precondition(start >= 0 && count >= 0 && start + count <= rows)
        let n = count * columns
        let offset = dataOffset + start * columns * elementType.size
        switch elementType {
        case .float32:
            try readFully(UnsafeMutableRawPointer(out), n * 4, at: offset)
            #if _endian(big)
            for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
            #endif
        case .float16:
            var raw = [UInt16](repeating: 0, count: n)
            try raw.withUnsafeMutableBytes { try readFully($0.baseAddress!, n * 2, at: offset) }
            for i in 0..<n { out[i] = Half.toFloat(UInt16(littleEndian: raw[i])) }
        case .float64:
            var raw = [UInt64](repeating: 0, count: n)
            try raw.withUnsafeMutableBytes { try readFully($0.baseAddress!, n * 8, at: offset) }
            // A finite double beyond Float's range becomes ±inf here and is
            // refused by VectorCheck like any other non-finite value.
            for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw[i]))) }
        }
    }

    private func readFully(_ buffer: UnsafeMutableRawPointer, _ count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let r = pread(fd, buffer + done, count - done, off_t(offset + done))
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else {
                throw FormatError(r < 0 ? .io(errno) : .invalidInput, "\(path): read failed at byte \(offset + done) (the file changed while reading?)")
            }
            done += r
        }
    }
}
