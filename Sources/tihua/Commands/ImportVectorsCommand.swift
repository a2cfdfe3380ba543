import ArgumentParser
import TihuaPoetry
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
        an error, and the index is left as it was. --dtype chooses how a new collection stores \
        its vectors: float32 (4 bytes a component), float16 (2) or int8 (1: 8-bit scalar \
        quantisation with per-dimension ranges trained on the file's vectors).
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to add to (created if missing).") var collection: String
    @Option(help: "The .npy file of vectors.") var vectors: String
    @Option(help: "A file of ids, one a line, in the order of the rows.") var ids: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Rows per transaction (default: about 64 MiB of vectors).", visibility: .hidden))
    var batch: Int?
    @Option(help: "How a new collection stores vectors: float32, float16 or int8 (default: float32, or the collection's).")
    var dtype: VectorDType?
    @Flag(help: "Keep a float32 copy beside float16/int8 vectors (for search --rerank), at 4 bytes a component more.")
    var keepFloat32 = false
    @OptionGroup var output: OutputOptions

    func validate() throws { try checkFlag("--batch", batch, 1...EngineLimits.maxVectorBatch) }

    func run() throws {
        let engine = try indexOptions.engine(.create)
        let bar = ProgressBar("importing vectors", enabled: !output.json)
        let summary = try engine.importVectors(VectorImportRequest(collection: collection, vectorsFile: vectors,
                                                                   idsFile: ids, batchRows: batch, dtype: dtype,
                                                                   keepFloat32: keepFloat32)) { bar.update($0, of: $1) }
        bar.finish()
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("imported \(summary.imported) vectors into '\(collection)'")
        }
    }
}
