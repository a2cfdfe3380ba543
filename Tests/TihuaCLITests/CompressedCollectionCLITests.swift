import Foundation
import Testing
import TihuaStore

/// `import vectors --dtype`, `stats`, `search` and `convert` on compressed
/// collections, their errors, and a conversion killed before it commits.
@Suite struct CompressedCollectionCLITests {
    let dir = Scratch()
    var index: String { dir.file("index") }
    let rows = 600, dim = 32

    /// Pseudo-random vectors (a fixed linear congruential sequence), and their ids.
    func writeVectors() {
        var state: UInt64 = 12345
        let values = (0..<(rows * dim)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        writeNPY(dir.file("v.npy"), rows: rows, columns: dim, values: values)
        _ = dir.write("ids.txt", (0..<rows).map { "v\($0)" }.joined(separator: "\n"))
        writeNPY(dir.file("q.npy"), rows: 3, columns: dim, values: Array(values[(100 * dim)..<(103 * dim)]))
    }

    func importVectors(_ collection: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["import", "vectors", "--index", index, "--collection", collection,
                     "--vectors", dir.file("v.npy"), "--ids", dir.file("ids.txt")] + extra)
    }

    func statsLine(_ collection: String) throws -> String {
        try CLI.run(["stats", "--index", index, "--json"]).stdout.split(separator: "\n")
            .first { $0.contains("\"collection\":\"\(collection)\"") }.map(String.init) ?? ""
    }

    func search(_ collection: String) throws -> String {
        try CLI.run(["search", "--index", index, "--collection", collection, "--vectors", dir.file("q.npy"),
                     "--k", "5", "--exact", "--json"]).stdout
    }

    /// Each query is a stored row: it finds itself first, in every dtype.
    func expectSelfFound(_ collection: String) throws {
        let lines = try search(collection).split(separator: "\n")
        #expect(lines.count == 3)
        for (q, line) in lines.enumerated() { #expect(line.contains("\"results\":[{\"id\":\"v\(100 + q)\""), "\(line)") }
    }

    @Test func importStatsSearchAndConvert() throws {
        writeVectors()
        #expect(try importVectors("f32").status == 0)
        let imported = try importVectors("i8", ["--dtype", "int8"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try statsLine("i8").contains("\"bytes_per_vector\":\(dim),"))
        #expect(try statsLine("i8").contains("\"dtype\":\"int8\""))
        #expect(try statsLine("f32").contains("\"bytes_per_vector\":\(4 * dim),"))
        for c in ["f32", "i8"] { try expectSelfFound(c) }
        // A dtype the collection cannot take: importing float16 into int8 vectors.
        let wrong = try importVectors("i8", ["--dtype", "float16"])
        #expect(wrong.status != 0 && wrong.stderr.contains("int8"))
        #expect(try CLI.run(["import", "vectors", "--index", index, "--collection", "x", "--dtype", "int4",
                             "--vectors", dir.file("v.npy"), "--ids", dir.file("ids.txt")]).status != 0)

        // convert: float32 → float16 halves the bytes and keeps the answers.
        let converted = try CLI.run(["convert", "--index", index, "--collection", "f32", "--dtype", "float16", "--json"])
        #expect(converted.stdout == "{\"bytes_per_vector\":\(2 * dim),\"collection\":\"f32\",\"from\":\"float32\",\"to\":\"float16\",\"vectors\":\(rows)}\n",
                "\(converted.stderr)")
        #expect(try statsLine("f32").contains("\"dtype\":\"float16\""))
        try expectSelfFound("f32")
        // …and to int8.
        #expect(try CLI.run(["convert", "--index", index, "--collection", "f32", "--dtype", "int8"]).status == 0)
        #expect(try statsLine("f32").contains("\"bytes_per_vector\":\(dim),"))

        // Errors: widening, an empty collection, a missing one.
        let widen = try CLI.run(["convert", "--index", index, "--collection", "f32", "--dtype", "float32"])
        #expect(widen.status != 0 && widen.stderr.contains("cannot take float32"))
        let store = try TihuaIndex(path: index)
        let e = try store.prepareCollection("empty")
        try store.write(e) { _ in }
        let empty = try CLI.run(["convert", "--index", index, "--collection", "empty", "--dtype", "int8"])
        #expect(empty.status != 0 && empty.stderr.contains("no vectors"))
        #expect(try CLI.run(["convert", "--index", index, "--collection", "nope", "--dtype", "int8"]).status != 0)
    }

    func ivfSearch(_ collection: String) throws -> String {
        try CLI.run(["search", "--index", index, "--collection", collection, "--vectors", dir.file("q.npy"),
                     "--k", "5", "--nprobe", "3", "--json"]).stdout
    }

    /// The rows of each IVF list, and the element type of the lists.
    func lists(_ store: TihuaIndex, _ c: TihuaStore.Collection) throws -> (rows: [[Int]], dtype: VectorDType?) {
        try store.read { txn in
            let s = try txn.snapshot(c)
            guard let ivf = try IVFIndex(s) else { return ([], nil) }
            var rows = [[Int]](repeating: [], count: ivf.info.lists)
            for list in 0..<ivf.info.lists {
                try ivf.forEachChunk(ofList: list) { chunk in for i in 0..<chunk.count { rows[list].append(chunk.row(i)) } }
            }
            return (rows, ivf.info.listDType)
        }
    }

    @Test func aKilledConversionLeavesTheCollectionIntact() throws {
        writeVectors()
        #expect(try importVectors("c").status == 0)
        // With IVF lists, which the conversion rewrites in the same transaction.
        #expect(try CLI.run(["ivf", "build", "--index", index, "--collection", "c", "--lists", "8"]).status == 0)
        let stats = try CLI.run(["stats", "--index", index, "--json"]).stdout
        let answers = try search("c")
        let ivfAnswers = try ivfSearch("c")
        let store = try TihuaIndex(path: index)
        let c = try #require(try store.collection("c"))
        let vectors = try store.read { try $0.snapshot(c).vector(row: 7) }
        let listsBefore = try lists(store, c)
        #expect(listsBefore.dtype == .float32 && listsBefore.rows.joined().count == rows)

        // Killed (SIGKILL) right before its one commit, every block rewritten.
        let process = try CLI.start(["convert", "--index", index, "--collection", "c", "--dtype", "int8"],
                                    environment: ["TIHUA_TEST_KILL_BEFORE_COMMIT": "1"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        #expect(try CLI.run(["stats", "--index", index, "--json"]).stdout == stats)
        #expect(try search("c") == answers)
        #expect(try store.read { try $0.snapshot(c).vector(row: 7) } == vectors)
        #expect(try ivfSearch("c") == ivfAnswers)
        let listsAfterKill = try lists(store, c)
        #expect(listsAfterKill.rows == listsBefore.rows && listsAfterKill.dtype == .float32)

        // The same conversion, not killed, completes: the lists hold int8 codes, with the same members.
        #expect(try CLI.run(["convert", "--index", index, "--collection", "c", "--dtype", "int8"]).status == 0)
        #expect(try statsLine("c").contains("\"dtype\":\"int8\""))
        try expectSelfFound("c")
        let converted = try lists(store, c)
        #expect(converted.rows == listsBefore.rows && converted.dtype == .int8)
    }

    func ids(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { line in
            let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            return ((json?["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        }
    }

    @Test func rerankAgainstKeptFloat32Copies() throws {
        writeVectors()
        #expect(try importVectors("f32").status == 0)
        let imported = try importVectors("i8", ["--dtype", "int8", "--keep-float32"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try statsLine("i8").contains("\"bytes_per_vector\":\(5 * dim),"))
        let reranked = try CLI.run(["search", "--index", index, "--collection", "i8", "--vectors", dir.file("q.npy"),
                                    "--k", "5", "--exact", "--rerank", "\(rows)", "--json"])
        #expect(reranked.status == 0, "\(reranked.stderr)")
        #expect(ids(reranked.stdout) == ids(try search("f32")) && ids(reranked.stdout).count == 3)
        // Without copies there is nothing to rerank against.
        #expect(try importVectors("bare", ["--dtype", "int8"]).status == 0)
        let refused = try CLI.run(["search", "--index", index, "--collection", "bare", "--vectors", dir.file("q.npy"),
                                   "--rerank", "20"])
        #expect(refused.status != 0 && refused.stderr.contains("float32"))
        #expect(try CLI.run(["search", "--index", index, "--collection", "i8", "--vectors", dir.file("q.npy"),
                             "--rerank", "0"]).status != 0)
    }
}
