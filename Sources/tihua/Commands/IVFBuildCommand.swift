import ArgumentParser
import Foundation
import TihuaSearch
import TihuaStore

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
    @Option(help: "Number of lists (default ≈ 4·√n, at least 1, at most n).") var lists: Int?
    @Option(help: "Vectors to train k-means on (default 256 per list, all vectors if fewer).")
    var trainSize: Int?
    @Option(help: "k-means iterations.") var iterations = 10
    @OptionGroup var output: OutputOptions

    struct Summary: Encodable {
        struct Sizes: Encodable { let min: Int; let median: Int; let mean: Double; let max: Int; let empty: Int }
        let collection: String
        let lists: Int
        let vectors: Int
        let trained_on: Int
        let iterations: Int
        let seconds: Double
        let training_seconds: Double
        let writing_seconds: Double
        let list_sizes: Sizes
    }

    static func ms(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    func validate() throws {
        if let l = lists, l < 1 { throw ValidationError("--lists must be at least 1") }
        if let t = trainSize, t < 1 { throw ValidationError("--train-size must be at least 1") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    }

    func run() throws {
        let index = try TihuaIndex(path: indexOptions.index)
        var options = IVFBuildOptions(lists: lists, trainSize: trainSize)
        options.iterations = iterations
        let training = ProgressBar("training", enabled: !output.json)
        let writing = ProgressBar("writing lists", enabled: !output.json)
        let report = try IVFBuilder.build(index: index, collection: collection, options: options) { phase in
            switch phase {
            case .training(let i, let n): training.update(i, of: n)
            case .assigning: training.finish()
            case .writing(let done, let n): writing.update(done, of: n)
            case .publishing: writing.finish()
            case .sampling: break
            }
        }
        let sorted = report.listSizes.sorted()
        let sizes = Summary.Sizes(min: sorted.first ?? 0, median: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
                                  mean: Double(report.vectors) / Double(max(1, report.lists)),
                                  max: sorted.last ?? 0, empty: sorted.prefix { $0 == 0 }.count)
        let summary = Summary(collection: collection, lists: report.lists, vectors: report.vectors,
                              trained_on: report.trainedOn, iterations: report.iterations,
                              seconds: Self.ms(report.seconds), training_seconds: Self.ms(report.trainingSeconds),
                              writing_seconds: Self.ms(report.writingSeconds), list_sizes: sizes)
        if output.json {
            try printJSONLine(summary)
            return
        }
        printLine("built an IVF index of \(report.lists) lists over \(report.vectors) vectors of '\(collection)' "
                  + "in \(String(format: "%.2f", report.seconds)) s (k-means: \(report.iterations) iterations on \(report.trainedOn) vectors)")
        printLine("list sizes: min \(sizes.min), median \(sizes.median), mean \(String(format: "%.1f", sizes.mean)), "
                  + "max \(sizes.max), empty \(sizes.empty)")
    }
}
