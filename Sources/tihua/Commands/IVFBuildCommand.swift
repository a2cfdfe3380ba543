import ArgumentParser
import Foundation
import TihuaPoetry

struct IVFBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build (or rebuild) the IVF index of a collection.",
        discussion: """
        Trains --lists centroids by spherical k-means on a sample of the vectors (a fixed seed: \
        the same data gives the same index), files every vector under its nearest centroid and \
        switches searches to the new index at once; until then they use the previous one, and \
        an interrupted build leaves it in place. Vectors added later are filed under their \
        nearest list as they arrive; rebuild after the collection has grown a lot.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The collection to index.") var collection: String
    @Option(parsing: .unconditional, help: "Number of lists (default ≈ 4·√n, at least 1, at most n and \(EngineLimits.maxLists)).")
    var lists: Int?
    @Option(parsing: .unconditional, help: "Vectors to train k-means on (default 256 per list, all vectors if fewer).")
    var trainSize: Int?
    @Option(parsing: .unconditional, help: "k-means iterations.") var iterations = IVFBuildRequest.defaultIterations
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkFlag("--lists", lists, 1...EngineLimits.maxLists)
        try checkFlag("--train-size", trainSize, 1...EngineLimits.maxTrainSize)
        try checkFlag("--iterations", iterations, 1...EngineLimits.maxIterations)
    }

    func run() throws {
        let engine = try indexOptions.engine(.readWrite)
        let training = ProgressBar("training", enabled: !output.json)
        let writing = ProgressBar("writing lists", enabled: !output.json)
        let request = IVFBuildRequest(collection: collection, lists: lists, trainSize: trainSize, iterations: iterations)
        let summary = try engine.buildIVF(request) { phase in
            switch phase {
            case .training(let i, let n): training.update(i, of: n)
            case .assigning: training.finish()
            case .writing(let done, let n): writing.update(done, of: n)
            case .publishing: writing.finish()
            case .sampling: break
            }
        }
        if output.json {
            try printJSONLine(summary)
            return
        }
        let sizes = summary.listSizes
        printLine("built an IVF index of \(summary.lists) lists over \(summary.vectors) vectors of '\(collection)' "
                  + "in \(String(format: "%.2f", summary.seconds)) s (k-means: \(summary.iterations) iterations on \(summary.trainedOn) vectors)")
        printLine("list sizes: min \(sizes.min), median \(sizes.median), mean \(String(format: "%.1f", sizes.mean)), "
                  + "max \(sizes.max), empty \(sizes.empty)")
    }
}
