import Foundation
import Testing

@Suite struct ImportCommandTests {
    let dir = Scratch()
    var index: String { dir.file("index") }

    @Test func importsTheSamplesAndReportsStats() throws {
        let poems = try CLI.run(["import", "poems", "--index", index, "--json",
                                 CLI.samples + "/ccpc/ccpc_test_v1.0.json", CLI.samples + "/chinese-poetry"])
        #expect(poems.status == 0, "\(poems.stderr)")
        #expect(poems.json()?["imported"] as? Int == 10_950)
        #expect(poems.json()?["merged"] as? Int == 26)
        #expect(poems.json()?["skipped"] as? Int == 0)
        #expect(poems.json()?["duplicates"] as? Int == 0)
        let keywords = try CLI.run(["import", "keywords", "--index", index, "--json", CLI.samples + "/ccpc/keywords.txt"])
        #expect(keywords.stdout == "{\"duplicates\":3,\"imported\":6805}\n")

        let stats = try CLI.run(["stats", "--index", index, "--json"])
        #expect(stats.status == 0)
        let lines = stats.stdoutLines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(lines.map { $0["collection"] as? String } == ["keywords", "poems"])
        #expect(lines.map { $0["count"] as? Int } == [6805, 10_950])
        #expect(lines.allSatisfy { $0["dim"] is NSNull && $0["ivf"] is NSNull })

        let people = try CLI.run(["stats", "--index", index])
        #expect(people.stdoutLines.first?.hasPrefix("collection") == true)
        #expect(people.stdoutLines.count == 3)
    }

    @Test func importsVectorsAndRefusesBadOnesWithOneErrorLine() throws {
        let vectors = dir.file("v.npy"), ids = dir.file("ids.txt")
        writeNPY(vectors, rows: 3, columns: 4, values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1])
        _ = dir.write("ids.txt", "a\r\nb\r\nc\r\n")
        let ok = try CLI.run(["import", "vectors", "--index", index, "--collection", "mine",
                              "--vectors", vectors, "--ids", ids, "--json"])
        #expect(ok.stdout == "{\"imported\":3}\n", "\(ok.stderr)")
        let stats = try CLI.run(["stats", "--index", index, "--json"])
        #expect(stats.stdout == "{\"bytes_per_vector\":16,\"collection\":\"mine\",\"count\":3,\"dim\":4,\"dtype\":\"float32\",\"embedded\":3,\"ivf\":null,\"model\":null}\n")

        let deleted = try CLI.run(["delete", "--index", index, "--collection", "mine", "b", "zz", "--json"])
        #expect(deleted.stdout == "{\"deleted\":1,\"missing\":1}\n", "\(deleted.stderr)")
        #expect(try CLI.run(["stats", "--index", index, "--json"]).stdout
                == "{\"bytes_per_vector\":16,\"collection\":\"mine\",\"count\":2,\"dim\":4,\"dtype\":\"float32\",\"embedded\":2,\"ivf\":null,\"model\":null}\n")
        _ = dir.write("b.txt", "b\n")
        writeNPY(dir.file("b.npy"), rows: 1, columns: 4, values: [0, 1, 0, 0])
        #expect(try CLI.run(["import", "vectors", "--index", index, "--collection", "mine",
                             "--vectors", dir.file("b.npy"), "--ids", dir.file("b.txt")]).status == 0)

        let again = try CLI.run(["import", "vectors", "--index", index, "--collection", "mine",
                                 "--vectors", vectors, "--ids", ids])
        #expect(again.status == 1)
        #expect(again.stderrLines == ["error: \(ids) line 1: collection 'mine' already has id 'a'"])

        let missing = try CLI.run(["import", "poems", "--index", index, dir.file("nope.json")])
        #expect(missing.status == 1)
        #expect(missing.stderrLines == ["error: \(dir.file("nope.json")): no such file or folder"])

        let corrupt = dir.write("c.json", "{\"content\": \"一|二\"}\n{oops\n")
        let invalid = try CLI.run(["import", "poems", "--index", index, corrupt])
        #expect(invalid.status == 1)
        #expect(invalid.stderrLines == ["error: c.json line 2: not valid JSON: expected a string key at byte 2 (nothing was imported; --skip-invalid skips such records)"])
        let skipped = try CLI.run(["import", "poems", "--index", index, corrupt, "--skip-invalid", "--json"])
        #expect(skipped.stdout == "{\"duplicates\":0,\"imported\":1,\"merged\":0,\"skipped\":1,\"skipped_files\":0}\n")
        #expect(skipped.stderrLines == ["skipped c.json line 2: not valid JSON: expected a string key at byte 2"])

        let noIndex = try CLI.run(["stats", "--index", dir.file("absent")])
        #expect(noIndex.status == 1)
        #expect(noIndex.stderrLines == ["error: no index at \(dir.file("absent")) (import something into it first)"])

        let usage = try CLI.run(["import", "vectors", "--index", index])
        #expect(usage.status == 64)
    }
}
