import Foundation
import TihuaStore

/// Deleting many ids in one write, timed in-process (the ids are read
/// before the clock starts; opening the index is not counted).
public enum DeleteBenchmark {
    public struct Result: Sendable, Codable, Equatable {
        public let deleted: Int
        public let missing: Int
        public let seconds: Double
    }

    public static func run(index: TihuaIndex, collection name: String, ids: [String]) throws -> Result {
        guard let collection = try index.collection(name) else { throw StoreError.noCollection(name, in: index.path) }
        let clock = ContinuousClock()
        let start = clock.now
        let deleted = try index.write(collection) { try $0.delete(ids: ids) }
        return Result(deleted: deleted, missing: ids.count - deleted, seconds: (clock.now - start).seconds)
    }
}
