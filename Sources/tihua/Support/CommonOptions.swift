import ArgumentParser

struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: "The index folder (created on first write).")
    var index: String = "Indexes/default"
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Machine-readable output: one JSON object per line on stdout.")
    var json = false
}
