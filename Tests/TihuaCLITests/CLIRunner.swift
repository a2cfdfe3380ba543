import Foundation
@_exported import TihuaTestSupport

/// Runs the built `tihua` binary (it sits beside this test bundle).
enum CLI {
    static let binary: String = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("tihua").path

    static let samples: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples").standardized.path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
        func json(_ line: Int = 0) -> [String: Any]? {
            guard line < stdoutLines.count else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(stdoutLines[line].utf8))) as? [String: Any]
        }
    }

    static func run(_ arguments: [String]) throws -> Result {
        // Output goes to files: no pipe can fill up and block the process.
        let base = NSTemporaryDirectory() + "tihua-cli-out-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        try process.run()
        process.waitUntilExit()
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return Result(status: process.terminationStatus, stdout: read(base + ".out"), stderr: read(base + ".err"))
    }

    /// Starts the binary in the background, its output discarded.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

typealias Scratch = TemporaryFolder

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}
