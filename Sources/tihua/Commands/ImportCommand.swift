import ArgumentParser

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import poems, keywords or vectors into an index.",
        subcommands: [ImportPoemsCommand.self, ImportKeywordsCommand.self, ImportVectorsCommand.self])
}
