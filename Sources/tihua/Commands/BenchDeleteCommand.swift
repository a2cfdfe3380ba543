import TihuaBench
import ArgumentParser
import TihuaFormats
import TihuaStore

struct BenchDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Measure deleting the ids of a file from a collection (they are deleted).",
        discussion: """
        Reads the ids (one a line), then deletes them all in one write, timed in this process \
        (reading the ids and opening the index are not counted). Work on a copy of the index.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to delete from.") var collection: String
    @Option(help: "A file of ids, one a line.") var ids: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let result = try DeleteBenchmark.run(index: index, collection: collection, ids: try IDList.read(path: ids))
        if output.json {
            try printJSONLine(result)
            return
        }
        printLine(String(format: "deleted %d (%d missing) in %.3f s", result.deleted, result.missing, result.seconds))
    }
}
