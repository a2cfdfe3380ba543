import ArgumentParser
import TihuaPoetry

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
        let summary = try indexOptions.engine(.readWrite).delete(DeleteRequest(collection: collection, ids: ids))
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("deleted \(summary.deleted) of \(ids.count) from '\(collection)'")
        }
    }
}
