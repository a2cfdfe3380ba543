import ArgumentParser
import TihuaStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the collections of an index: records, embedded vectors, dimension, IVF.")

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var output: OutputOptions

    struct Line: Encodable {
        struct IVF: Encodable { let lists: Int }
        let collection: String
        let count: Int
        let embedded: Int
        let dim: Int?
        let ivf: IVF?
        let model: String?

        func encode(to encoder: Encoder) throws {
            // Explicit nulls: `dim` and `ivf` are always present (CONTRACT.md).
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(collection, forKey: .collection)
            try c.encode(count, forKey: .count)
            try c.encode(embedded, forKey: .embedded)
            try c.encode(dim, forKey: .dim)
            try c.encode(ivf, forKey: .ivf)
            try c.encode(model, forKey: .model)
        }
        enum CodingKeys: String, CodingKey { case collection, count, embedded, dim, ivf, model }
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        let lines = try index.collections().map {
            Line(collection: $0.name, count: $0.recordCount, embedded: $0.vectorCount, dim: $0.dimension,
                 ivf: $0.ivf.map { Line.IVF(lists: $0.lists) }, model: $0.model)
        }
        if output.json {
            for line in lines { try printJSONLine(line) }
            return
        }
        let table = [["collection", "count", "embedded", "dim", "ivf lists", "model"]] + lines.map {
            [$0.collection, "\($0.count)", "\($0.embedded)", $0.dim.map(String.init) ?? "-",
             $0.ivf.map { "\($0.lists)" } ?? "-", $0.model ?? "-"]
        }
        for row in TextTable.align(table) { printLine(row) }
    }
}
