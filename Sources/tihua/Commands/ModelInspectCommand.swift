import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry

struct ModelInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a model folder holds and whether Tihua can use it.",
        discussion: """
            Reads config.json, vocab.txt and the weights (model.safetensors, pytorch_model.bin —
            zip or legacy — or a sharded set) of a Chinese-CLIP or GPT-2 folder, checks every
            tensor against the config, and prints the architecture and sizes, the weight format
            and dtypes, tensor and parameter counts, the tensors the model does not use, the
            identity an index records, and every problem found. Exits 1 when the folder cannot
            be used.

            Example:
              tihua model inspect Models/chinese-clip-vit-base-patch16 --json
            """)

    @Argument(help: ArgumentHelp("The model folder.", valueName: "dir"))
    var folder: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let inspection = TihuaEngine.inspectModel(folder: folder)
        if output.json {
            try printJSONLine(inspection)
        } else {
            printLine("folder       \(inspection.folder)")
            printLine("architecture \(inspection.architecture ?? "unknown")")
            if let format = inspection.format { printLine("format       \(format.rawValue)") }
            for file in inspection.files { printLine("file         \(file.path) (\(file.bytes) bytes)") }
            if !inspection.dtypes.isEmpty { printLine("dtypes       \(inspection.dtypes.joined(separator: ", "))") }
            printLine("tensors      \(inspection.tensors)")
            printLine("parameters   \(inspection.parameters)")
            for (key, value) in inspection.sizes { printLine("  \(key.padding(toLength: 24, withPad: " ", startingAt: 0)) \(value)") }
            if !inspection.unused.isEmpty {
                printLine("unused       \(inspection.unused.count): \(inspection.unused.prefix(6).joined(separator: ", "))\(inspection.unused.count > 6 ? ", …" : "")")
            }
            printLine("identity     \(inspection.identity ?? "none (the folder is not usable)")")
            for problem in inspection.problems { printLine("problem      \(problem)") }
        }
        if !inspection.isUsable {
            throw CommandLineFailure("\(folder): cannot be used (\(inspection.problems.count) problem\(inspection.problems.count == 1 ? "" : "s"); first: \(inspection.problems[0]))")
        }
    }
}
