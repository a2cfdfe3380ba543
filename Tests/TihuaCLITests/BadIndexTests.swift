import Foundation
import Testing

/// Index folders that LMDB cannot open: each exits 1 with one `error:` line
/// naming the folder, never with a signal; a read-only index serves reads.
@Suite struct BadIndexTests {
    let dir = Scratch()

    func expectOneError(_ arguments: [String], containing text: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 1, "\(arguments): status \(result.status), \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1 && result.stderrLines.first?.hasPrefix("error: ") == true,
                "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func badFoldersGiveOneErrorLine() throws {
        let random = dir.file("random")
        try FileManager.default.createDirectory(atPath: random, withIntermediateDirectories: true)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise = (0..<32768).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        _ = FileManager.default.createFile(atPath: random + "/data.mdb", contents: Data(noise))
        try expectOneError(["stats", "--index", random], containing: "index \(random): data.mdb is not an LMDB data file")

        let empty = dir.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: empty + "/data.mdb", contents: Data())
        try expectOneError(["stats", "--index", empty], containing: "index \(empty): data.mdb is empty (0 bytes)")

        let folder = dir.file("folder")
        try FileManager.default.createDirectory(atPath: folder + "/data.mdb", withIntermediateDirectories: true)
        try expectOneError(["import", "keywords", "--index", folder, CLI.samples + "/ccpc/keywords.txt"],
                           containing: "index \(folder): data.mdb is a directory, not an LMDB data file")

        let file = dir.write("plain.txt", "not a folder\n")
        try expectOneError(["import", "keywords", "--index", file + "/idx", CLI.samples + "/ccpc/keywords.txt"],
                           containing: "\(file) is a file")

        let truncated = dir.file("truncated")
        #expect(try CLI.run(["import", "keywords", "--index", truncated, CLI.samples + "/ccpc/keywords.txt"]).status == 0)
        let data = truncated + "/data.mdb"
        #expect(truncate(data, off_t(fileSize(data) / 2)) == 0)
        try expectOneError(["stats", "--index", truncated], containing: "index \(truncated): data.mdb is truncated")
    }

    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Another user's index, read by the unprivileged user `nobody`.
    @Test(.enabled(if: geteuid() == 0 && setpriv != nil, "needs root to act as another user"))
    func anotherUsersIndexServesReadsAndRefusesWrites() throws {
        let index = dir.file("owned")
        #expect(try CLI.run(["import", "keywords", "--index", index, CLI.samples + "/ccpc/keywords.txt"]).status == 0)
        chmod(dir.path, 0o755)
        let asNobody = [Self.setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary]
        func run(_ arguments: [String]) throws -> CLI.Result {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: asNobody[0])
            process.arguments = Array(asNobody.dropFirst()) + arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                              stderr: String(decoding: stderr, as: UTF8.self))
        }
        let stats = try run(["stats", "--index", index, "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("\"collection\":\"keywords\",\"count\":6805"))
        let delete = try run(["delete", "--index", index, "--collection", "keywords", "春"])
        #expect(delete.status == 1)
        #expect(delete.stderr == "error: index \(index) is read-only (its data.mdb is not writable by this user); nothing was written\n")
        #expect(try CLI.run(["stats", "--index", index, "--json"]).stdout == stats.stdout)
    }
}
