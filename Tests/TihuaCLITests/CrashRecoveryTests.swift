import Foundation
import Testing
import TihuaStore

/// An import killed with SIGKILL between its batches leaves the index
/// openable and exactly as it was; the next import succeeds in full.
@Suite struct CrashRecoveryTests {
    let dir = Scratch()
    var index: String { dir.file("index") }

    /// Runs `arguments` in a process that kills itself (SIGKILL) right after
    /// its `batches`th committed batch (the store's crash-test hook).
    func killAfter(batches: Int, _ arguments: [String]) throws {
        let process = try CLI.start(arguments, environment: ["TIHUA_TEST_KILL_AFTER_COMMITS": "\(batches)"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                "the import was not killed: it finished with \(process.terminationStatus)")
    }

    func stats() throws -> String { try CLI.run(["stats", "--index", index, "--json"]).stdout }

    @Test func aKilledVectorImportChangesNothing() throws {
        let rows = 2_000, dim = 64
        var values = [Float](repeating: 0, count: rows * dim)
        for i in 0..<values.count { values[i] = Float((i * 7919) % 1000) / 1000 + 0.001 }
        writeNPY(dir.file("v.npy"), rows: rows, columns: dim, values: values)
        _ = dir.write("ids.txt", (0..<rows).map { "v\($0)" }.joined(separator: "\n"))
        _ = dir.write("small-ids.txt", "s1\ns2\n")
        writeNPY(dir.file("small.npy"), rows: 2, columns: dim, values: Array(values[0..<(2 * dim)]))
        #expect(try CLI.run(["import", "vectors", "--index", index, "--collection", "c",
                             "--vectors", dir.file("small.npy"), "--ids", dir.file("small-ids.txt")]).status == 0)
        let before = try stats()

        try killAfter(batches: 7, ["import", "vectors", "--index", index, "--collection", "c", "--vectors", dir.file("v.npy"),
                                   "--ids", dir.file("ids.txt"), "--batch", "100"])
        #expect(try stats() == before)

        let full = try CLI.run(["import", "vectors", "--index", index, "--collection", "c",
                                "--vectors", dir.file("v.npy"), "--ids", dir.file("ids.txt"), "--json"])
        #expect(full.stdout == "{\"imported\":\(rows)}\n", "\(full.stderr)")
        let store = try TihuaIndex(path: index)
        try store.read { txn in
            let c = try #require(try store.collection("c"))
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == rows + 2)
            #expect(try s.id(ofRow: 2) == "v0")
            #expect(try s.record("v\(rows - 1)")?.vectorRow == rows + 1)
            var seen = 0
            try s.forEachRecord { _ in seen += 1; return true }
            #expect(seen == rows + 2)
        }
    }

    @Test func aKilledPoemImportChangesNothing() throws {
        #expect(try CLI.run(["import", "keywords", "--index", index, CLI.samples + "/ccpc/keywords.txt"]).status == 0)
        let before = try stats()
        try killAfter(batches: 5, ["import", "poems", "--index", index, "--batch", "20", CLI.samples + "/ccpc/ccpc_test_v1.0.json"])
        #expect(try stats() == before)
        let full = try CLI.run(["import", "poems", "--index", index, "--json", CLI.samples + "/ccpc/ccpc_test_v1.0.json"])
        #expect(full.stdout == "{\"duplicates\":0,\"imported\":9976,\"merged\":0,\"skipped\":0,\"skipped_files\":0}\n", "\(full.stderr)")
    }
}
