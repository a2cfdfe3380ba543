import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of searches and model passes.",
        subcommands: [BenchSearchCommand.self])
}
