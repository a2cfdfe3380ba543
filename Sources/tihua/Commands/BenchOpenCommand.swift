import TihuaBench
import ArgumentParser
import Foundation

struct BenchOpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Measure opening model folders (any weight format) and the memory it takes.",
        discussion: """
            For each folder: the first open (every weight hashed for the identity), then the
            median of --repeats opens with the identity cached and of reading the weight files'
            headers alone, and the resident memory one open adds, split into anonymous (copies)
            and file-backed (mapped pages touched). Folders are measured interleaved. Use a
            release build: swift build -c release && .build/release/tihua bench open DIR…
            """)

    @Argument(help: ArgumentHelp("Model folders (Chinese-CLIP or GPT-2).", valueName: "dir"))
    var folders: [String]

    @Option(name: .long, parsing: .unconditional, help: "Opens of each folder.")
    var repeats = 5

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--repeats", repeats, 1...1000)
        guard !folders.isEmpty else { throw ValidationError("Give at least one model folder.") }
    }

    func run() throws {
        let reports = try ModelOpenBenchmark.run(folders: folders, repeats: repeats) { printNote("… \($0)") }
        for r in reports {
            if output.json {
                try printJSONLine(r)
                continue
            }
            func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
            printLine("\(r.folder)  \(r.architecture), \(r.format), \(f(r.weightMegabytes, 0)) MB")
            printLine("  read weight headers   \(f(r.readWeightsMilliseconds, 2)) ms")
            printLine("  open (identity cached) \(f(r.openMilliseconds, 2)) ms (\(f(r.openCPUMilliseconds, 2)) ms of CPU)")
            printLine("  first open (hashing)  \(f(r.firstOpenMilliseconds, 0)) ms")
            printLine("  resident after open   +\(f(r.anonymousMegabytes)) MiB anonymous, +\(f(r.fileMegabytes)) MiB file-backed")
        }
    }
}
