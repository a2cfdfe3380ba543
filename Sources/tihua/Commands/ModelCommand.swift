import ArgumentParser

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Look at model folders.",
        subcommands: [ModelInspectCommand.self])
}
