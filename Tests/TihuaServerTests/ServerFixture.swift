import Foundation
import TihuaModels
import TihuaPoetry
import TihuaTestSupport
@testable import TihuaServer

/// Paths into the repository's bundled samples.
enum Samples {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples").standardized.path
    static var clipFolder: String { root + "/models/clip-tiny" }
    /// The shipped GPT-2 poem generator, as `tihua serve` loads it by default.
    static var generatorFolder: String { root + "/models/gpt2-poem" }
    static var images: [String] { ["chun", "feiliu", "pubu"].map { root + "/images/\($0).jpg" } }
    static func bytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path)!) }
}

/// A small index built through the façade from the bundled sample with the
/// tiny CLIP model: 80 CCPC poems with an IVF index of 4 lists, 150
/// keywords and the three sample photos, served with the shipped GPT-2.
/// `copy()` gives a writable copy for tests that change it.
final class ServerFixture: Sendable {
    static let shared = try! ServerFixture()

    let folder = TemporaryFolder("tihua-server")
    var indexPath: String { folder.file("default") }
    /// The façade over the index, read-only as `tihua serve` opens it.
    let engine: TihuaEngine

    init() throws {
        let lines = try String(contentsOfFile: Samples.root + "/ccpc/ccpc_test_v1.0.json", encoding: .utf8)
            .split(separator: "\n")
        let corpus = folder.write("ccpc_test_v1.0.json", Array(lines.prefix(80).joined(separator: "\n").utf8))
        let keywords = try String(contentsOfFile: Samples.root + "/ccpc/keywords.txt", encoding: .utf8)
            .split(separator: "\n").prefix(150).joined(separator: "\n")
        let vocabulary = folder.write("keywords.txt", Array(keywords.utf8))
        let writer = try TihuaEngine(.init(index: folder.file("default"), access: .create, model: Samples.clipFolder))
        _ = try writer.importPoems(PoemImportRequest(paths: [corpus]))
        _ = try writer.importKeywords(file: vocabulary)
        _ = try writer.embed()
        _ = try writer.addImages(paths: [Samples.root + "/images"])
        _ = try writer.buildIVF(IVFBuildRequest(collection: "poems", lists: 4))
        engine = try TihuaEngine(.init(index: folder.file("default"), access: .readOnly, generator: Samples.generatorFolder))
    }

    /// A writable copy of the index in a folder of its own.
    func copy() throws -> (folder: TemporaryFolder, engine: TihuaEngine) {
        let target = TemporaryFolder("tihua-server-copy")
        let path = target.file("default")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for name in ["data.mdb"] {
            try FileManager.default.copyItem(atPath: indexPath + "/" + name, toPath: path + "/" + name)
        }
        return (target, try TihuaEngine(.init(index: path, access: .readWrite)))
    }

    func server(_ change: (inout ServerConfiguration) -> Void = { _ in }, engine: TihuaEngine? = nil) throws -> TihuaServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        // Tests wait for answers, not for a clock: the suite shares the
        // machine with other builds (tests of the deadline set their own).
        configuration.requestTimeout = .seconds(3600)
        change(&configuration)
        return try TihuaServer(engine: engine ?? self.engine, configuration: configuration)
    }
}
