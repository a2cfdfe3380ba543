import Foundation
import Testing

/// Queries over an index whose poems are only partly embedded (an embed
/// that was interrupted, or poems imported after it) say so.
@Suite struct PartialIndexTests {
    let dir = Scratch()
    var index: String { dir.file("index") }
    var model: String { CLI.samples + "/models/clip-tiny" }

    @Test func queriesWarnWhenPoemsLackEmbeddings() throws {
        let lines = try String(contentsOfFile: CLI.samples + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8).split(separator: "\n")
        let keywords = try String(contentsOfFile: CLI.samples + "/ccpc/keywords.txt", encoding: .utf8)
            .split(separator: "\n").prefix(60).joined(separator: "\n")
        #expect(try CLI.run(["import", "poems", "--index", index, dir.write("ccpc_test_v1.0.json", lines.prefix(40).joined(separator: "\n"))]).status == 0)
        #expect(try CLI.run(["import", "keywords", "--index", index, dir.write("keywords.txt", keywords)]).status == 0)
        #expect(try CLI.run(["embed", "--index", index, "--model", model]).status == 0)
        #expect(try CLI.run(["import", "poems", "--index", index, dir.write("later.json", lines[40..<50].joined(separator: "\n"))]).status == 0)

        let warning = "warning: only 40 of the 50 poems have embeddings; the other 10 were not searched (run tihua embed)"
        let poems = try CLI.run(["poems", "--index", index, "--text", "明月", "--k", "2", "--json"])
        #expect(poems.status == 0)
        #expect(poems.stderrLines == [warning])
        let partial = try #require(poems.json()?["partial"] as? [[String: Any]])
        #expect(partial.count == 1 && partial[0]["collection"] as? String == "poems"
                && partial[0]["embedded"] as? Int == 40 && partial[0]["count"] as? Int == 50)
        #expect((poems.json()?["results"] as? [Any])?.count == 2)
        let people = try CLI.run(["poems", "--index", index, "--text", "明月", "--k", "2"])
        #expect(people.stderrLines == [warning] && people.stdoutLines.count == 4)
        let prefix = try CLI.run(["keywords", "--index", index, "--text", "明月", "--json"])
        #expect(prefix.stderr.isEmpty && prefix.json()?["partial"] == nil)

        // --seed -1 is the seed 2^64 - 1.
        let negative = try CLI.run(["generate", "--index", index, "--text", "明月", "--seed", "-1", "--json"])
        let positive = try CLI.run(["generate", "--index", index, "--text", "明月", "--seed", "18446744073709551615", "--json"])
        #expect(negative.status == 0 && negative.stdout == positive.stdout)
        #expect(negative.stderrLines == [warning])

        #expect(try CLI.run(["ivf", "build", "--index", index, "--collection", "poems", "--lists", "4"]).status == 0)
        let probe = try CLI.run(["poems", "--index", index, "--text", "明月", "--nprobe", "8"])
        #expect(probe.status == 1)
        #expect(probe.stderrLines == ["error: nprobe 8 exceeds the 4 IVF lists of collection 'poems'"])

        #expect(try CLI.run(["embed", "--index", index, "--json"]).stdout == "{\"keywords\":0,\"poems\":10}\n")
        let complete = try CLI.run(["poems", "--index", index, "--text", "明月", "--k", "2", "--json", "--nprobe", "4"])
        #expect(complete.status == 0 && complete.stderr.isEmpty && complete.json()?["partial"] == nil)
    }
}
