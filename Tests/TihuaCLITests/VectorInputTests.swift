import Foundation
import Testing

/// The words a user reads when `.npy`, ids or vectors are refused: one
/// `error:` line naming the file and the row or line, exit 1, nothing imported.
@Suite struct VectorInputTests {
    let dir = Scratch()
    var index: String { dir.file("index") }

    func importVectors(_ npy: String, _ ids: String) throws -> CLI.Result {
        try CLI.run(["import", "vectors", "--index", index, "--collection", "c", "--vectors", npy, "--ids", ids])
    }

    func npy(_ name: String, header: String, payload: Int) -> String {
        var h = Array(header.utf8)
        while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
            + [UInt8](repeating: 0x3F, count: payload)
        _ = FileManager.default.createFile(atPath: dir.file(name), contents: Data(bytes))
        return dir.file(name)
    }

    @Test func refusalsNameTheFileAndThePlace() throws {
        let ids = dir.write("ids.txt", "a\nb\n")
        let cases: [(String, String)] = [
            (npy("short.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: 20),
             "header says 2×3 <f4 (24 bytes) but the file holds 20 bytes of data"),
            (npy("fortran.npy", header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", payload: 24),
             "array is in Fortran order; save it in C order (np.ascontiguousarray)"),
            (npy("big.npy", header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", payload: 24),
             "dtype '>f4' is not supported (use little-endian float32 '<f4', float16 '<f2' or float64 '<f8')"),
        ]
        for (file, what) in cases {
            let result = try importVectors(file, ids)
            #expect(result.status == 1)
            #expect(result.stderr == "error: \(file): \(what)\n")
        }
        let good = npy("good.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", payload: 24)
        let repeated = dir.write("repeated.txt", "a\na\n")
        #expect(try importVectors(good, repeated).stderr == "error: \(repeated) line 2: id 'a' repeats line 1\n")
        let fifo = dir.file("fifo.npy")
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(try importVectors(fifo, ids).stderr == "error: \(fifo): not a regular file\n")
        // Nothing was imported.
        if FileManager.default.fileExists(atPath: index + "/data.mdb") {
            #expect(try CLI.run(["stats", "--index", index, "--json"]).stdout.isEmpty)
        }
    }
}
