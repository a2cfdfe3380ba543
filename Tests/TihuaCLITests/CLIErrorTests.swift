import Foundation
import Testing

/// Usage errors exit 64 with swift-argument-parser's message; run errors
/// exit 1 with one `error:` line; signals end the process as they should.
@Suite struct CLIErrorTests {
    let dir = Scratch()
    var index: String { dir.file("index") }
    var model: String { CLI.samples + "/models/clip-tiny" }

    /// The first stderr line of a usage error, after checking the exit code.
    func usage(_ arguments: [String]) throws -> String? {
        let result = try CLI.run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        return result.stderrLines.first
    }

    @Test func negativeAndHugeNumbersAreParsedAndRefused() throws {
        let image = ["--image", CLI.samples + "/images/pubu.jpg"]
        #expect(try usage(["keywords", "--text", "月", "--k", "-1"]) == "Error: --k must be between 1 and 1000 (got -1)")
        #expect(try usage(["poems", "--text", "月", "--k", "0"]) == "Error: --k must be between 1 and 1000 (got 0)")
        #expect(try usage(["search", "--collection", "c", "--vectors", "q.npy", "--k", "4611686018427387904"])
                == "Error: --k must be between 1 and 1000 (got 4611686018427387904)")
        #expect(try usage(["images", "--poem", "p", "--k", "1000000000000"])
                == "Error: --k must be between 1 and 1000 (got 1000000000000)")
        #expect(try usage(["ivf", "build", "--collection", "c", "--lists", "-1"]) == "Error: --lists must be between 1 and 65536 (got -1)")
        #expect(try usage(["ivf", "build", "--collection", "c", "--train-size", "0"])
                == "Error: --train-size must be between 1 and 16777216 (got 0)")
        #expect(try usage(["ivf", "build", "--collection", "c", "--iterations", "-3"])
                == "Error: --iterations must be between 1 and 1000 (got -3)")
        #expect(try usage(["poems", "--text", "月", "--nprobe", "-1"]) == "Error: --nprobe must be between 1 and 65536 (got -1)")
        #expect(try usage(["generate"] + image + ["--candidates", "1000000000"])
                == "Error: --candidates must be between 1 and 64 (got 1000000000)")
        #expect(try usage(["generate"] + image + ["--prefix-keywords", "-8"]) == "Error: --prefix-keywords must be between 1 and 64 (got -8)")
        #expect(try usage(["keywords", "--text", "月", "--diversity", "-0.5"]) == "Error: --diversity must be between 0.0 and 1.0 (got -0.5)")
        #expect(try usage(["import", "poems", "a.json", "--batch", "-5"]) == "Error: --batch must be between 1 and 200000 (got -5)")
        #expect(try usage(["import", "vectors", "--collection", "c", "--vectors", "v", "--ids", "i", "--batch", "0"])
                == "Error: --batch must be between 1 and 4194304 (got 0)")
        #expect(try usage(["embed", "--batch", "100000"]) == "Error: --batch must be between 1 and 8192 (got 100000)")
        #expect(try usage(["bench", "search", "--collection", "c", "--queries", "q", "--batch", "-1"])
                == "Error: --batch must be between 1 and 100000 (got -1)")
        #expect(try usage(["generate"] + image + ["--seed", "x"])?.hasPrefix("Error: The value 'x' is invalid for '--seed <seed>'") == true)
        #expect(try usage(["encode", "--text", "月"]) == "Error: Missing expected argument '--model <dir>' (or an --index that records one)")
        #expect(try usage(["stats", "--bogus"]) == "Error: Unknown option '--bogus'")
    }

    @Test(arguments: [["--help"], ["search", "--help"], ["train", "generator", "--help"], ["help", "poems"], ["ivf", "build", "-h"]])
    func helpIsPrintedOnStandardOutput(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(result.stdout.contains("USAGE: tihua"), "\(arguments): \(result.stdout)")
        #expect(result.stderr.isEmpty)
    }

    @Test func badIndexFoldersAndIdsGetOneLine() throws {
        let file = dir.write("plain", "not a folder")
        for arguments in [["stats", "--index", file + "/index"], ["import", "keywords", "--index", file + "/index", file]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 1)
            #expect(result.stderrLines == ["error: no index folder can be at \(file)/index: \(file) is a file, not a folder"])
        }
        #expect(try CLI.run(["import", "keywords", "--index", index, dir.write("k.txt", "明月\n")]).status == 0)
        let cases: [([String], String)] = [
            (["images", "--index", index, "--poem", ""], "cannot look up poem '': empty id"),
            (["images", "--index", index, "--poem", String(repeating: "x", count: 600)],
             "cannot look up poem '\(String(repeating: "x", count: 80))…': id longer than 480 bytes"),
            (["images", "--index", index, "--poem", "a\tb"], "cannot look up poem 'a\\tb': id contains a control character"),
            (["delete", "--index", index, "--collection", "keywords", "明月", ""],
             "cannot delete '' from collection 'keywords': empty id"),
            (["delete", "--index", index, "--collection", String(repeating: "c", count: 600), "x"],
             "invalid collection name '\(String(repeating: "c", count: 80))': use 1–64 letters, digits, '_' or '-'"),
            (["images", "--index", index, "--poem", "p1"], "index \(index) has no poems (import them first)"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderrLines == ["error: " + message])
        }
        // Nothing was deleted by the refused call.
        #expect(try CLI.run(["stats", "--index", index, "--json"]).json()?["count"] as? Int == 1)
    }

    /// Metadata edited by hand is one line naming the collection, not a
    /// dump of DecodingError contexts.
    @Test func editedMetadataNamesItsCollection() throws {
        #expect(try CLI.run(["import", "keywords", "--index", index, dir.write("k.txt", "明月\n")]).status == 0)
        for (json, reason) in [(#"{"name":"keywords","dimension":"wide"}"#, "'dimension': Expected to decode Int but found a string instead."),
                               (#"{"dimension":4}"#, "missing 'name'"),
                               ("{", "not valid JSON")] {
            try loadIntoMeta(key: "collection/keywords", value: json)
            let result = try CLI.run(["stats", "--index", index])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["error: index \(index): metadata of collection 'keywords' is unreadable: \(reason)"])
        }
    }

    /// Overwrites one key of the index's `meta` database with LMDB's own
    /// mdb_load (lmdb-utils), as a user editing the file would.
    func loadIntoMeta(key: String, value: String) throws {
        let input = dir.write("load.txt", key + "\n" + value + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mdb_load")
        process.arguments = ["-T", "-s", "meta", "-f", input, index]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// SIGQUIT ends the process by its default action, as SIGINT and SIGTERM
    /// do (Swift's backtracer used to catch it and let the program run on).
    @Test(arguments: [SIGQUIT, SIGINT, SIGTERM])
    func signalsEndTheProcess(_ signal: Int32) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["wait-for-signal"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The child says "ready" once main() has set up its signals.
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += chunk
        }
        #expect(String(decoding: said, as: UTF8.self) == "ready\n")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == signal)
    }
}
