import ArgumentParser
import Foundation
import TihuaSearch
import TihuaStore

struct IVFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivf",
        abstract: "Manage the IVF (inverted file) index of a collection.",
        subcommands: [IVFBuildCommand.self])
}
