import Foundation
import TihuaCompute
import TihuaSearch
import TihuaStore

/// IVF search of a collection at several `nprobe`, in one process and one
/// read transaction: one query at a time with the probes split between the
/// cores as the search decides (`automatic`), never, or always (to measure
/// where splitting starts to pay), and batches. Within each repetition
/// every nprobe and every way is timed in turn, the first rotating between
/// repetitions, so that load from other processes falls on all alike;
/// medians are reported beside every repetition's figure.
public enum IVFBenchmark {
    public struct Options: Sendable {
        public var nprobes = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        public var k = 10
        public var repetitions = 3
        /// Queries per batch call (0: no batch timing).
        public var batch = 1000
        /// Also time one query at a time with the split forced off and on.
        public var crossover = false
        public init() {}
    }

    public struct Point: Sendable, Codable, Equatable {
        public var nprobe: Int
        /// Rows the probed lists hold on average per query.
        public var rowsPerQuery: Double
        /// Queries per second of each repetition, one query a call.
        public var oneQPS: [Double]
        public var medianOneQPS: Double
        /// With the split forced off / on (`crossover`).
        public var unsplitQPS: [Double]?
        public var splitQPS: [Double]?
        public var medianUnsplitQPS: Double?
        public var medianSplitQPS: Double?
        /// Queries per second of each repetition in batches.
        public var batchQPS: [Double]?
        public var medianBatchQPS: Double?
        /// The ids of the `k` best of every query (for recall), one query a call.
        public var ids: [[String]]?
    }

    public struct Report: Sendable, Codable, Equatable {
        public var collection: String
        public var vectors: Int
        public var dimension: Int
        public var dtype: String
        public var lists: Int
        public var queries: Int
        public var batch: Int
        public var k: Int
        public var repetitions: Int
        public var cores: Int
        public var points: [Point]
    }

    /// Times `queries` against the IVF index of `collection`; with
    /// `recallQueries`, also reports their ids at every nprobe (untimed).
    public static func run(index: TihuaIndex, collection name: String, queries: QueryMatrix,
                           recallQueries: QueryMatrix? = nil, options: Options,
                           progress: (String) -> Void = { _ in }) throws -> Report {
        guard let collection = try index.collection(name) else { throw StoreError.noCollection(name, in: index.path) }
        return try index.read { txn in
            let snapshot = try txn.snapshot(collection)
            guard let ivfIndex = try IVFIndex(snapshot), let dimension = snapshot.dimension else {
                throw SearchError(.noIVF, "benchmark: collection '\(name)' has no IVF index")
            }
            let ivf = ivfIndex.info
            let sizes = try snapshot.ivfListSizes()
            let one = (0..<queries.count).map { queries.slice($0..<($0 + 1)) }
            func timeOne(_ nprobe: Int, _ split: IVFSearch.Split) throws -> Double {
                let clock = ContinuousClock()
                let start = clock.now
                for q in one {
                    _ = try IVFSearch.search(snapshot, queries: q, k: options.k, nprobe: nprobe, splitProbes: split)
                }
                return Double(one.count) / (clock.now - start).seconds
            }
            func timeBatch(_ nprobe: Int) throws -> Double {
                let clock = ContinuousClock()
                let start = clock.now
                for s in stride(from: 0, to: queries.count, by: options.batch) {
                    _ = try IVFSearch.search(snapshot, queries: queries.slice(s..<min(s + options.batch, queries.count)),
                                             k: options.k, nprobe: nprobe)
                }
                return Double(queries.count) / (clock.now - start).seconds
            }
            var points = try options.nprobes.map { nprobe in
                var point = Point(nprobe: nprobe, rowsPerQuery: 0, oneQPS: [], medianOneQPS: 0)
                // Warm-up pass (page cache, allocator) and the rows each query scans.
                var rows = 0
                for q in 0..<queries.count {
                    let lists = queries.values.withUnsafeBufferPointer {
                        CentroidRanking.rank(query: $0.baseAddress! + q * dimension, centroids: ivfIndex.centroids,
                                             lists: ivf.lists, dimension: dimension, keep: min(nprobe, ivf.lists))
                    }
                    rows += lists.reduce(0) { $0 + sizes[$1] }
                }
                point.rowsPerQuery = Double(rows) / Double(queries.count)
                _ = try timeOne(nprobe, .automatic)
                if options.crossover { point.unsplitQPS = []; point.splitQPS = [] }
                if options.batch > 0 { _ = try timeBatch(nprobe); point.batchQPS = [] }
                return point
            }
            for rep in 0..<options.repetitions {
                progress("repetition \(rep + 1) of \(options.repetitions)")
                for i in 0..<points.count {
                    let p = (i + rep) % points.count
                    let nprobe = points[p].nprobe
                    var ways: [(inout Point) throws -> Void] = [{ $0.oneQPS.append(try timeOne(nprobe, .automatic)) }]
                    if options.crossover {
                        ways.append { $0.unsplitQPS!.append(try timeOne(nprobe, .never)) }
                        ways.append { $0.splitQPS!.append(try timeOne(nprobe, .always)) }
                    }
                    if options.batch > 0 { ways.append { $0.batchQPS!.append(try timeBatch(nprobe)) } }
                    for w in 0..<ways.count { try ways[(w + rep) % ways.count](&points[p]) }
                }
            }
            for p in points.indices {
                points[p].medianOneQPS = median(points[p].oneQPS)
                points[p].medianUnsplitQPS = points[p].unsplitQPS.map(median)
                points[p].medianSplitQPS = points[p].splitQPS.map(median)
                points[p].medianBatchQPS = points[p].batchQPS.map(median)
                if let recallQueries {
                    progress("ids at nprobe \(points[p].nprobe)")
                    points[p].ids = try (0..<recallQueries.count).map { q in
                        let found = try IVFSearch.search(snapshot, queries: recallQueries.slice(q..<(q + 1)),
                                                         k: options.k, nprobe: points[p].nprobe)
                        return try found.rows.filter { $0 >= 0 }.map { try snapshot.id(ofRow: $0) }
                    }
                }
            }
            return Report(collection: name, vectors: snapshot.vectorCount, dimension: dimension,
                          dtype: snapshot.info.dtype.rawValue, lists: ivf.lists, queries: queries.count,
                          batch: options.batch, k: options.k, repetitions: options.repetitions, cores: Parallel.cores,
                          points: points)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
