import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure searches and model passes on this machine.",
        subcommands: [BenchSearchCommand.self, BenchEncodeCommand.self, BenchPoetryCommand.self, BenchGPT2Command.self,
                      BenchOpenCommand.self, BenchTrainCommand.self, BenchKernelsCommand.self, BenchDeleteCommand.self,
                      BenchFacadeCommand.self, BenchRandomModelCommand.self, BenchIVFCommand.self])
}
