import ArgumentParser

struct GeneratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generator",
        abstract: "Inspect GPT-2 poem generators.",
        subcommands: [GeneratorEvalCommand.self])

    /// The generator Tihua ships (trained by `tihua train generator`; see the README).
    static let shippedModel = "Samples/models/gpt2-poem"
}
