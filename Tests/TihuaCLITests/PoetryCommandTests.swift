import Foundation
import Testing
import TihuaStore

/// The image ↔ poem commands end to end, with the bundled tiny model.
@Suite struct PoetryCommandTests {
    let dir = Scratch()
    var index: String { dir.file("index") }
    var model: String { CLI.samples + "/models/clip-tiny" }

    /// The first `n` poems of the bundled CCPC sample, as a corpus file.
    func corpus(_ n: Int) throws -> String {
        let lines = try String(contentsOfFile: CLI.samples + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
            .split(separator: "\n").prefix(n)
        return dir.write("ccpc_test_v1.0.json", lines.joined(separator: "\n"))
    }

    func embedded() throws -> Int {
        let stats = try CLI.run(["stats", "--index", index, "--json"])
        return stats.stdoutLines.compactMap { line -> Int? in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            return object?["collection"] as? String == "poems" ? object?["embedded"] as? Int : nil
        }.first ?? 0
    }

    @Test func embedResumesAfterSIGKILLWithoutDuplicates() throws {
        let file = try corpus(600)
        #expect(try CLI.run(["import", "poems", "--index", index, file]).status == 0)
        // Killed by the store's crash-test hook right after its 3rd committed batch.
        let process = try CLI.start(["embed", "--index", index, "--model", model, "--batch", "16"],
                                    environment: ["TIHUA_TEST_KILL_AFTER_COMMITS": "3"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        let before = try embedded()
        #expect(before == 3 * 16)

        let rest = try CLI.run(["embed", "--index", index, "--json"])  // the model folder is remembered
        #expect(rest.stdout == "{\"keywords\":0,\"poems\":\(600 - before)}\n", "\(rest.stderr)")
        #expect(try embedded() == 600)

        let store = try TihuaIndex(path: index)
        let poems = try #require(try store.collection("poems"))
        try store.read { (txn: ReadTransaction) throws in
            let s = try txn.snapshot(poems)
            #expect(s.vectorCount == 600)
            var rows = Set<Int>()
            try s.forEachRecord { (record: StoredRecord) throws -> Bool in
                if let row = record.vectorRow { rows.insert(row) }
                #expect(try s.id(ofRow: record.vectorRow ?? 0) == record.id)
                return true
            }
            #expect(rows.count == 600)
        }
    }

    @Test func theImagePoemCommandsSpeakJSON() throws {
        #expect(try CLI.run(["import", "poems", "--index", index, try corpus(120)]).status == 0)
        let keywords = try String(contentsOfFile: CLI.samples + "/ccpc/keywords.txt", encoding: .utf8)
            .split(separator: "\n").prefix(300).joined(separator: "\n")
        #expect(try CLI.run(["import", "keywords", "--index", index, dir.write("keywords.txt", keywords)]).status == 0)
        // Queries before embedding say what to do.
        let early = try CLI.run(["keywords", "--index", index, "--image", CLI.samples + "/images/pubu.jpg", "--model", model])
        #expect(early.stderrLines == ["error: the keywords of index \(index) have no embeddings (run tihua embed)"])

        let embed = try CLI.run(["embed", "--index", index, "--model", model, "--json"])
        #expect(embed.stdout == "{\"keywords\":300,\"poems\":120}\n", "\(embed.stderr)")
        let add = try CLI.run(["images", "add", "--index", index, CLI.samples + "/images", dir.write("broken.jpg", "not a jpeg"), "--json"])
        #expect(add.stdout == "{\"added\":3,\"duplicates\":0,\"failed\":1}\n", "\(add.stderr)")
        #expect(add.stderrLines.count == 1 && add.stderrLines[0].hasPrefix("skipped \(dir.file("broken.jpg")): not a JPEG file"))

        let image = CLI.samples + "/images/pubu.jpg"
        let prefix = try CLI.run(["keywords", "--index", index, "--image", image, "--json"])
        let k = try #require(prefix.json()?["keywords"] as? [[String: Any]])
        #expect(k.count == 8 && k.allSatisfy { $0["keyword"] is String && $0["score"] is Double })

        let poems = try CLI.run(["poems", "--index", index, "--image", image, "--k", "3", "--json"])
        let results = try #require(poems.json()?["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.allSatisfy { ($0["id"] as? String)?.hasPrefix("ccpc_test_v1.0:") == true && $0["lines"] is [String] && $0["title"] is String })
        let text = try CLI.run(["poems", "--index", index, "--text", "明月", "--k", "2", "--json"])
        #expect((text.json()?["results"] as? [Any])?.count == 2)

        let images = try CLI.run(["images", "--index", index, "--poem", "ccpc_test_v1.0:1", "--json"])
        let found = try #require(images.json()?["results"] as? [[String: Any]])
        #expect(Set(found.compactMap { $0["id"] as? String }) == Set(["chun", "feiliu", "pubu"].map { CLI.samples + "/images/\($0).jpg" }))

        let poem = try CLI.run(["generate", "--index", index, "--image", image, "--json", "--seed", "3"])
        let generated = try #require(poem.json())
        #expect((generated["keywords"] as? [String])?.count == 8)
        #expect(generated["candidates"] as? Int == 16)
        let lines = try #require((generated["poem"] as? [String: Any])?["lines"] as? [[String: Any]])
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { ($0["source"] as? [String: Any])?["id"] is String })
        #expect(try CLI.run(["generate", "--index", index, "--image", image, "--json", "--seed", "3"]).stdout == poem.stdout)

        // Given keywords, GPT-2 under the form constraint: every candidate is kept.
        let gpt2 = try CLI.run(["generate", "--index", index, "--keywords", "明月", "故乡", "--generator", "gpt2",
                                "--lm", CLI.samples + "/models/gpt2-tiny", "--form", "7x8", "--prompt", "acrostic",
                                "--no-repeat", "--rhyme", "--candidates", "4", "--json"])
        let written = try #require(gpt2.json(), "\(gpt2.stderr)")
        #expect(written["keywords"] as? [String] == ["明月", "故乡"])
        #expect(written["candidates"] as? Int == 4 && written["well_formed"] as? Int == 4)
        let gpt2Lines = try #require((written["poem"] as? [String: Any])?["lines"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        #expect(gpt2Lines.count == 8 && gpt2Lines.allSatisfy { $0.count == 7 })
        #expect(gpt2Lines.prefix(4).map { $0.first! } == ["明", "月", "故", "乡"])
        let bad = try CLI.run(["generate", "--index", index, "--keywords", "明月", "--form", "6x4"])
        #expect(bad.status == 64)
        let both = try CLI.run(["generate", "--index", index, "--keywords", "明月", "--image", image])
        #expect(both.status == 64)

        let encoded = try CLI.run(["encode", "--model", model, "--image", image, "--json"])
        #expect((encoded.json()?["embedding"] as? [Double])?.count == 32 && encoded.json()?["dim"] as? Int == 32)
        // With an index, a traditional text is embedded as its queries are: as the simplified one.
        let simplified = try CLI.run(["encode", "--model", model, "--text", "明月松间照", "--json"])
        let traditional = try CLI.run(["encode", "--index", index, "--text", "明月松間照", "--json"])
        let asGiven = try CLI.run(["encode", "--model", model, "--text", "明月松間照", "--json"])
        let vector = { (run: CLI.Result) in try #require(run.json()?["embedding"] as? [Double], "\(run.stderr)") }
        #expect(try vector(traditional) == vector(simplified))
        #expect(try vector(asGiven) != vector(simplified))
    }
}

/// `tihua model inspect DIR [--json]`.
@Suite struct ModelInspectCommandTests {
    @Test func usableAndUnusableFolders() throws {
        let clip = CLI.samples + "/models/clip-tiny"
        let ok = try CLI.run(["model", "inspect", clip, "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let json = try #require(ok.json())
        #expect(json["architecture"] as? String == "chinese-clip" && json["format"] as? String == "safetensors")
        #expect(json["dtypes"] as? [String] == ["F32"] && (json["tensors"] as? Int ?? 0) > 0 && (json["parameters"] as? Int ?? 0) > 0)
        #expect((json["identity"] as? String)?.hasPrefix("chinese-clip-") == true && (json["problems"] as? [Any])?.isEmpty == true)
        let human = try CLI.run(["model", "inspect", CLI.samples + "/models/gpt2-tiny"])
        #expect(human.status == 0 && human.stdout.contains("architecture gpt2"), "\(human.stdout)")

        let scratch = Scratch()
        let bad = try CLI.run(["model", "inspect", scratch.path, "--json"])
        #expect(bad.status == 1)
        #expect(bad.json()?["usable"] as? Bool == false)
        #expect(bad.stderrLines.count == 1 && bad.stderr.hasPrefix("error: \(scratch.path): cannot be used"), "\(bad.stderr)")
    }
}
