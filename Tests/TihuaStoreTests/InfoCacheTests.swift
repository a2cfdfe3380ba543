import Foundation
import TihuaCompute
import Testing
@testable import TihuaStore

@Suite struct InfoCacheTests {
    /// Metadata is decoded once per distinct stored document: every read
    /// after a write sees the new counters, and a cached entry never leaks
    /// from one collection to another.
    @Test func metadataFollowsEveryWrite() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        let a = try index.makeCollection("a")
        let b = try index.makeCollection("b")
        var rng = SeededRandom(seed: 7)
        for round in 1...3 {
            var v = rng.vectors(5, 4)
            try v.withUnsafeMutableBufferPointer { p in
                try VectorCheck.normalizeRows(p.baseAddress!, count: 5, dimension: 4) { "\($0)" }
            }
            try index.write(a) { w in
                try v.withUnsafeBufferPointer {
                    try w.addVectors(ids: (0..<5).map { "r\(round)-\($0)" }, vectors: $0.baseAddress!, dimension: 4)
                }
            }
            #expect(try index.read { try $0.info(a).vectorCount } == 5 * round)
            #expect(try index.read { try $0.info(b).vectorCount } == 0)
            #expect(try index.info(of: "a")?.recordCount == 5 * round)
        }
        // A second handle on the same folder (another process, in effect).
        let other = try TihuaIndex(path: dir.path)
        _ = try other.write(try #require(try other.collection("a"))) { try $0.delete("r1-0") }
        #expect(try index.read { try $0.info(a).vectorCount } == 14)
    }
}
