import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train models from the bundled corpora.",
        subcommands: [TrainGeneratorCommand.self])
}
