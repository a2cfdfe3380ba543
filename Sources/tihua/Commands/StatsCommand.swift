import ArgumentParser

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the collections of an index: records, embedded vectors, dimension, dtype, IVF.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let lines = try indexOptions.engine(.readOnly).stats()
        if output.json {
            for line in lines { try printJSONLine(line) }
            return
        }
        let table = [["collection", "count", "embedded", "dim", "dtype", "bytes/vector", "ivf lists", "model"]] + lines.map {
            [$0.collection, "\($0.count)", "\($0.embedded)", $0.dim.map(String.init) ?? "-", $0.dtype,
             $0.dim == nil ? "-" : "\($0.bytesPerVector)",
             $0.ivf.map { "\($0.lists)" } ?? "-", $0.model ?? "-"]
        }
        for row in TextTable.align(table) { printLine(row) }
    }
}
