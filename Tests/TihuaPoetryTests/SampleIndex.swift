import Foundation
import TihuaModels
import TihuaStore
@testable import TihuaPoetry

/// Paths into the repository's bundled samples.
enum Samples {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples").standardized.path
    static var clipFolder: String { root + "/models/clip-tiny" }
    static var gpt2Folder: String { root + "/models/gpt2-tiny" }
    static var images: [String] { ["chun", "feiliu", "pubu"].map { root + "/images/\($0).jpg" } }
}

/// A small index embedded with the tiny CLIP model, built once for the
/// suite: 150 CCPC poems, 200 keywords, the three sample photos.
final class SampleIndex: @unchecked Sendable {
    static let shared = try! SampleIndex()

    let folder = NSTemporaryDirectory() + "tihua-sample-" + UUID().uuidString
    let index: TihuaIndex
    let clip: CLIPModel
    let poems: [Poem]

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ccpc = try String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
            .split(separator: "\n").prefix(150).joined(separator: "\n")
        let corpus = folder + "/ccpc_test_v1.0.json"
        try ccpc.write(toFile: corpus, atomically: true, encoding: .utf8)
        let keywords = try String(contentsOfFile: Samples.root + "/ccpc/keywords.txt", encoding: .utf8)
            .split(separator: "\n").prefix(200).joined(separator: "\n")
        try keywords.write(toFile: folder + "/keywords.txt", atomically: true, encoding: .utf8)

        index = try TihuaIndex(path: folder + "/index", create: true)
        _ = try PoemImport(paths: [corpus]).run(into: index)
        _ = try KeywordImport(path: folder + "/keywords.txt").run(into: index)
        clip = try CLIPModel(folder: Samples.clipFolder)
        _ = try EmbedJob(index: index, model: clip, modelFolder: Samples.clipFolder).run()
        _ = try ImageLibrary(index: index, model: clip, modelFolder: Samples.clipFolder).add(Samples.images)
        poems = try PoemImport(paths: [corpus]).readPoems().poems
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func imageEmbedding(_ path: String) throws -> [Float] {
        try clip.encodeImage(file: path, input: try CLIPImageInput(modelFolder: Samples.clipFolder, model: clip))
    }

    /// Every stored vector of a collection with its id, by brute force.
    func stored(_ name: String) throws -> [(id: String, vector: [Float])] {
        let c = try index.collection(name)!
        return try index.read { txn in
            let s = try txn.snapshot(c)
            return try (0..<s.vectorCount).map { (try s.id(ofRow: $0), Array(try s.vector(row: $0))) }
        }
    }
}

/// The ids of the `k` best by dot product (Double), ties by lower row.
func bruteForce(_ query: [Float], _ items: [(id: String, vector: [Float])], k: Int) -> [(id: String, score: Double)] {
    let norm = query.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    let scored = items.enumerated().map { row, item in
        (row, item.id, zip(query, item.vector).reduce(0) { $0 + Double($1.0) * Double($1.1) } / norm)
    }
    return scored.sorted { ($0.2, -$0.0) > ($1.2, -$1.0) }.prefix(k).map { ($0.1, $0.2) }
}
