import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `tihua serve` as a process: it listens where it says, answers, and on
/// SIGTERM or SIGINT drains and exits 0; bad settings fail before it listens.
@Suite struct ServeCommandTests {
    /// A tiny embedded index made with the CLI itself.
    static func index(_ scratch: Scratch) throws -> String {
        let lines = try String(contentsOfFile: CLI.samples + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
            .split(separator: "\n").prefix(20).joined(separator: "\n")
        let corpus = scratch.write("ccpc.json", lines)
        let index = scratch.file("index")
        for arguments in [["import", "poems", corpus], ["embed", "--model", CLI.samples + "/models/clip-tiny"]] {
            let result = try CLI.run(arguments + ["--index", index, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        return index
    }

    /// Starts `tihua serve --port 0 …` and returns it with the port it printed.
    static func serve(_ arguments: [String]) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["serve", "--port", "0"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { throw CLIFailure("tihua serve exited before it listened: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)\n"#, options: .regularExpression) {
                let port = Int(text[range].split(separator: ":").last!.dropLast())!
                // Keep reading the log so that the pipe never fills.
                errors.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
                return (process, port)
            }
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func servesAndExitsZeroOnASignal(_ signal: Int32) async throws {
        let scratch = Scratch()
        let index = try Self.index(scratch)
        let (process, port) = try Self.serve(["--index", index])
        let (status, body) = try await Self.get(port, "/healthz")
        #expect(status == 200 && body == #"{"status":"ok"}"#)
        let (poemsStatus, poems) = try await Self.get(port, "/v1/collections")
        #expect(poemsStatus == 200 && poems.contains(#""collection":"poems""#))
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func badSettingsFailBeforeListening() throws {
        let scratch = Scratch()
        let short = scratch.write("token", "abc\n")
        let cases: [([String], Int32, String)] = [
            (["serve", "--port", "70000"], 64, "--port"),
            (["serve", "--index", scratch.file("missing"), "--port", "0"], 1, "error:"),
            (["serve", "--index", scratch.file("missing"), "--token-file", short, "--port", "0"], 1, "shorter than 16"),
            (["serve", "--index", scratch.file("missing"), "--token-file", scratch.file("nope"), "--port", "0"], 1,
             "cannot read the token file"),
        ]
        for (arguments, status, words) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
        }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
