import ArgumentParser
import TihuaFormats
import TihuaStore

struct ImportVectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Import a .npy matrix of vectors with their ids.",
        discussion: """
        The .npy array is 2-D (rows × dimension), C order, little-endian float32, float16 \
        or float64. The ids file holds one id a line, as many as rows. Vectors are \
        L2-normalised on the way in. A dimension that differs from the collection's, a NaN \
        or infinity, a zero vector, or an id repeated (in the file or in the collection) is \
        an error, and the index is left as it was.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to add to (created if missing).") var collection: String
    @Option(help: "The .npy file of vectors.") var vectors: String
    @Option(help: "A file of ids, one a line, in the order of the rows.") var ids: String
    @Option(help: ArgumentHelp("Rows per transaction (default: about 64 MiB of vectors).", visibility: .hidden))
    var batch: Int?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index, create: true)
        let bar = ProgressBar("importing vectors", enabled: !output.json)
        let count = try VectorImport(vectorsPath: vectors, idsPath: ids, batchRows: batch)
            .run(into: index, collection: collection) { bar.update($0, of: $1) }
        bar.finish()
        if output.json {
            try printJSONLine(["imported": count])
        } else {
            printLine("imported \(count) vectors into '\(collection)'")
        }
    }
}
