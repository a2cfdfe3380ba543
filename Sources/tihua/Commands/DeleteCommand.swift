import ArgumentParser
import TihuaStore

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete records (and their vectors) from a collection by id.",
        discussion: "All the ids are deleted in one transaction; ids that are not there are counted as missing.")

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection (e.g. poems, keywords, images, or one of yours).") var collection: String
    @Argument(help: "The ids to delete.") var ids: [String]
    @OptionGroup var output: OutputOptions

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let c = try index.requireCollection(collection)
        let deleted = try index.update(c) { writer in try ids.filter { try writer.delete($0) }.count }
        if output.json {
            try printJSONLine(["deleted": deleted, "missing": ids.count - deleted])
        } else {
            printLine("deleted \(deleted) of \(ids.count) from '\(collection)'")
        }
    }
}
