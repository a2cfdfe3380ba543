import ArgumentParser
import TihuaPoetry

struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: "The index folder (created on first write).")
    var index: String = "Indexes/default"

    /// The façade over this index.
    func engine(_ access: TihuaEngine.IndexAccess, model: String? = nil, generator: String? = nil) throws -> TihuaEngine {
        try TihuaEngine(.init(index: index, access: access, model: model, generator: generator))
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Machine-readable output: one JSON object per line on stdout.")
    var json = false
}
