import ArgumentParser
import TihuaPoetry
import TihuaSearch

/// `--exact | --nprobe N`, shared by every command that searches.
struct SearchMethodOptions: ParsableArguments {
    @Flag(help: "Score every vector (exact top-k), even when the collection has an IVF index.")
    var exact = false

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "IVF lists to scan per query (requires an IVF index; default \(SearchMethod.defaultNProbe) when the collection has one; at most its lists).",
        valueName: "n"))
    var nprobe: Int?

    func validate() throws {
        if exact && nprobe != nil { throw ValidationError("--exact and --nprobe exclude each other") }
        try checkFlag("--nprobe", nprobe, 1...EngineLimits.maxLists)
    }

    var choice: SearchMethodChoice { SearchMethodChoice(exact: exact, nprobe: nprobe) }

    var method: SearchMethod {
        if exact { return .exact }
        if let n = nprobe { return .ivf(nprobe: n) }
        return .automatic
    }
}
