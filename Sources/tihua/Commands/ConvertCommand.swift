import ArgumentParser
import TihuaPoetry
import TihuaStore

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Store a collection's vectors in another dtype (float32, float16, int8).",
        discussion: """
        The vectors are rewritten in one transaction: readers see the old ones until it commits, \
        and an interrupted conversion leaves the collection as it was. Ids, records and IVF \
        lists are kept. Converting to int8 trains its per-dimension ranges on the collection's \
        vectors (int8 to int8 refits them). Vectors are only narrowed (float32 → float16 → \
        int8): the values a compressed collection dropped cannot be restored.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to convert.") var collection: String
    @Option(help: "The dtype to store: float32, float16 or int8.") var dtype: VectorDType
    @Flag(inversion: .prefixedNo, help: "Keep float32 copies beside the compressed vectors (default: as before).")
    var keepFloat32: Bool?
    @OptionGroup var output: OutputOptions

    func run() throws {
        let summary = try indexOptions.engine(.readWrite).convert(collection: collection, to: dtype, keepFloat32: keepFloat32)
        if output.json {
            try printJSONLine(summary)
        } else {
            printLine("converted \(summary.vectors) vectors of '\(collection)' from \(summary.from) to \(summary.to) (\(summary.bytesPerVector) bytes a vector)")
        }
    }
}
