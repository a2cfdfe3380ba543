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
        guard let c = try index.collection(collection) else { throw StoreError.noCollection(collection, in: index.path) }
        let deleted = try index.write(c) { writer in try writer.delete(ids: ids) }
        if output.json {
            try printJSONLine(["deleted": deleted, "missing": ids.count - deleted])
        } else {
            printLine("deleted \(deleted) of \(ids.count) from '\(collection)'")
        }
    }
}
