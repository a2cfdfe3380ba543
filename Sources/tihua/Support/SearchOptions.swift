import ArgumentParser
import TihuaSearch
import TihuaFormats
import TihuaStore

/// `--exact | --nprobe N`, shared by `search` and `bench search`.
struct SearchMethodOptions: ParsableArguments {
    @Flag(help: "Score every vector (exact top-k), even when the collection has an IVF index.")
    var exact = false

    @Option(help: ArgumentHelp(
        "IVF lists to scan per query (requires an IVF index; default \(SearchMethod.defaultNProbe) when the collection has one).",
        valueName: "n"))
    var nprobe: Int?

    func validate() throws {
        if exact && nprobe != nil { throw ValidationError("--exact and --nprobe exclude each other") }
        if let n = nprobe, n < 1 { throw ValidationError("--nprobe must be at least 1") }
    }

    var method: SearchMethod {
        if exact { return .exact }
        if let n = nprobe { return .ivf(nprobe: n) }
        return .automatic
    }
}

/// Reads a .npy file of queries (any supported dtype) as a query matrix.
func readQueries(_ path: String) throws -> QueryMatrix {
    let file = try NPYFile(path: path)
    var values = [Float](repeating: 0, count: file.rows * file.columns)
    try values.withUnsafeMutableBufferPointer { try file.readRows(0, count: file.rows, into: $0.baseAddress!) }
    do {
        return try QueryMatrix(values, dimension: file.columns)
    } catch let error as SearchError {
        throw SearchError(error.kind, "\(path): \(error.message)")
    }
}
