import Foundation
import Testing
import TihuaModels
import TihuaStore
@testable import TihuaPoetry

/// An index written before poem format 2 (Fixtures/v1-index, made by the
/// previous release) is refused for reading and upgraded in place.
@Suite struct FormatUpgradeTests {
    let dir = Scratch()

    static var fixture: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/v1-index"
    }

    func copyOfFixture() throws -> TihuaIndex {
        let folder = dir.path + "/index"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture + "/data.mdb", toPath: folder + "/data.mdb")
        return try TihuaIndex(path: folder)
    }

    func vectors(_ index: TihuaIndex) throws -> [String: [Float]] {
        let c = try #require(try index.collection(BuiltinCollection.poems))
        return try index.read { txn in
            let s = try txn.snapshot(c)
            var out: [String: [Float]] = [:]
            for row in 0..<s.vectorCount { out[try s.id(ofRow: row)] = Array(try s.vector(row: row)) }
            return out
        }
    }

    @Test func aFormatOneIndexIsRefusedUntilUpgraded() throws {
        let index = try copyOfFixture()
        let message = PoemFormatCheck.upgradeMessage(index)
        #expect(try PoemFormatCheck.state(index).needsUpgrade)
        #expect(failure { _ = try PoetryIndex(index: index).poems(PoemQuery(contains: "明月")) } == message)
        #expect(failure { _ = try PoemImport(paths: [Self.fixture + "/ccpc_v1.json"]).run(into: index) } == message)
        let clip = try CLIPModel(folder: Samples.clipFolder)
        #expect(failure { _ = try EmbedJob(index: index, model: clip, modelFolder: Samples.clipFolder).run() } == message)
        #expect(failure { _ = try PoemDeletion.delete(["x"], from: index) } == message)
    }

    @Test func theUpgradeNormalisesMergesAndIndexes() throws {
        let index = try copyOfFixture()
        let before = try vectors(index)
        #expect(before.count == 52)
        // What a fresh import of the same files gives, for comparison.
        let fresh = try TihuaIndex(path: dir.path + "/fresh", create: true)
        let imported = try PoemImport(paths: [Self.fixture + "/poet.tang.0.json", Self.fixture + "/ccpc_v1.json"]).run(into: fresh)
        #expect(imported.merged == 1)

        let summary = try PoemFormatUpgrade.run(index)
        #expect(summary.poems == 51 && summary.merged == 1)
        #expect(try PoemFormatCheck.state(index).format == 2)
        #expect(try PoemFormatUpgrade.run(index) == .init())  // nothing left to do

        // The same poems, documents and rhymes as a fresh import.
        let c = try #require(try index.collection(BuiltinCollection.poems))
        let freshC = try #require(try fresh.collection(BuiltinCollection.poems))
        func poems(_ index: TihuaIndex, _ c: TihuaStore.Collection) throws -> [Poem] {
            try index.read { txn in
                var out: [Poem] = []
                try txn.snapshot(c).forEachRecord { out.append(try JSONDecoder().decode(Poem.self, from: Data($0.document))); return true }
                return out
            }
        }
        let upgraded = try poems(index, c)
        #expect(upgraded == (try poems(fresh, freshC)))
        #expect(try RhymeTable.stored(in: index) == RhymeTable.stored(in: fresh))
        let poetry = PoetryIndex(index: index)
        #expect(try poetry.poems(PoemQuery(contains: "函谷壮皇居")).map(\.id) == ["3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4"])
        #expect(try poetry.poems(PoemQuery(contains: "鸣蝉")).map(\.variants) == [["ccpc_v1:31"]])

        // Vectors of poems whose text changed are gone; the others are kept as they were.
        let after = try vectors(index)
        let changed = Set(upgraded.filter { $0.normalized != nil }.map(\.id))
        #expect(summary.unembedded == changed.count && !changed.isEmpty)
        #expect(Set(after.keys) == Set(upgraded.map(\.id)).subtracting(changed))
        for (id, vector) in after { #expect(vector == before[id]) }

        // Embedding again embeds the normalised text: a simplified text query
        // finds the traditional poem with score 1.
        let clip = try CLIPModel(folder: Samples.clipFolder)
        #expect(try EmbedJob(index: index, model: clip, modelFolder: Samples.clipFolder).run().poems == changed.count)
        let original = try #require(upgraded.first { $0.id == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4" })
        let query = try poetry.normalizedQuery(original.lines.joined(separator: "，") + "。")  // as written: traditional
        #expect(query.hasPrefix("秦川雄帝宅，函谷壮皇居，绮殿千寻起，离宫百雉余，") && query == original.embeddingText)
        let hit = try #require(try poetry.poems(near: Array(clip.encodeTexts([query]).row(0)), model: clip.identity, k: 1,
                                                method: .exact).first)
        #expect(hit.id == "3ad6d468-7ff1-4a7b-8b24-a27d70d00ed4" && abs(hit.score - 1) < 1e-5)
    }

    @Test func anInterruptedUpgradeResumes() throws {
        let index = try copyOfFixture()
        let partial = try PoemFormatUpgrade.run(index, profile: "t2s", keepDuplicates: false, batchSize: 10, stopAfterBatches: 2)
        #expect(partial.poems + partial.merged == 20)
        #expect(try PoemFormatCheck.state(index).needsUpgrade)  // still refused
        let rest = try PoemFormatUpgrade.run(index, profile: "t2s", keepDuplicates: false, batchSize: 10, stopAfterBatches: nil)
        #expect(rest.poems == 51 && rest.merged == 1)
        let reference = try copyOfFixtureUpgraded()
        #expect(try RhymeTable.stored(in: index) == RhymeTable.stored(in: reference))
        #expect(try PoetryIndex(index: index).poems(PoemQuery(contains: "月", k: .max)).map(\.id)
                == PoetryIndex(index: reference).poems(PoemQuery(contains: "月", k: .max)).map(\.id))
    }

    func copyOfFixtureUpgraded() throws -> TihuaIndex {
        let folder = dir.path + "/reference"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture + "/data.mdb", toPath: folder + "/data.mdb")
        let index = try TihuaIndex(path: folder)
        _ = try PoemFormatUpgrade.run(index)
        return index
    }
}
