import ArgumentParser
import TihuaPoetry
import TihuaStore

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Find images for a poem, or add images to the index.",
        subcommands: [ImagesForPoemCommand.self, ImagesAddCommand.self],
        defaultSubcommand: ImagesForPoemCommand.self)
}
