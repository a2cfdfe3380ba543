import ArgumentParser
import TihuaPoetry

@main
struct Tihua: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tihua", abstract: "Poems for a picture.")
}
