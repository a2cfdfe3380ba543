import TihuaCompute

/// Settings of an IVF build.
public struct IVFBuildOptions: Sendable {
    /// Number of lists; nil: `IVFBuilder.defaultLists(count:)`.
    public var lists: Int?
    /// Vectors k-means trains on; nil: 256 per list (all vectors if fewer).
    public var trainSize: Int?
    /// k-means iterations, 1…`maxIterations` (fewer if assignments stop
    /// changing first). As FAISS: on embedding-like data, more buy no
    /// recall (Tools/bench).
    public var iterations = 10
    public static let maxIterations = 1000
    /// Seed of the training sample and the initial centroids.
    public var seed: UInt64 = 0x7469_6875_6121
    /// Vector bytes written per transaction while filling the lists.
    public var batchBytes = 128 << 20

    public init(lists: Int? = nil, trainSize: Int? = nil) {
        self.lists = lists
        self.trainSize = trainSize
    }
}

/// What a build is doing, for progress reports. Throwing from the progress
/// callback stops the build and leaves the previous index in place.
public enum IVFBuildPhase: Sendable, Equatable {
    case sampling(vectors: Int)
    case training(iteration: Int, of: Int)
    case assigning(vectors: Int)
    case writing(listsDone: Int, of: Int)
    case publishing
}

/// The outcome of a build.
public struct IVFBuildReport: Sendable {
    public let lists: Int
    public let trainedOn: Int
    public let iterations: Int
    public let vectors: Int
    /// Entries in each list.
    public let listSizes: [Int]
    public let seconds: Double
    /// Time spent sampling and training, and assigning and writing.
    public let trainingSeconds: Double
    public let writingSeconds: Double
}

/// Builds (or rebuilds) a collection's IVF index: spherical k-means on a
/// sample, every vector assigned to its nearest centroid, lists written in
/// batches of transactions and switched in at once (one `write`): readers
/// use the old index until the new one is published, and a build that fails
/// or is killed leaves the old one in place.
public enum IVFBuilder {
    /// ≈ 4·√n lists, at least 1 and at most n.
    public static func defaultLists(count: Int) -> Int {
        max(1, min(count, Int((4 * Double(count).squareRoot()).rounded())))
    }

    public static func build(index: TihuaIndex, collection name: String, options: IVFBuildOptions = .init(),
                             progress: (IVFBuildPhase) throws -> Void = { _ in }) throws -> IVFBuildReport {
        let clock = ContinuousClock()
        let start = clock.now
        guard let collection = try index.collection(name) else { throw StoreError.noCollection(name, in: index.path) }
        guard options.iterations >= 1 && options.iterations <= IVFBuildOptions.maxIterations else {
            throw StoreError(.invalidInput, "k-means iterations must be 1…\(IVFBuildOptions.maxIterations), not \(options.iterations)")
        }
        guard options.batchBytes >= 1 else {
            throw StoreError(.invalidInput, "the IVF build's batch must be at least 1 byte, not \(options.batchBytes)")
        }

        // 1. A training sample, copied out of one snapshot.
        let (sample, lists, dimension) = try index.read { txn in
            let snapshot = try txn.snapshot(collection)
            let n = snapshot.vectorCount
            guard let dimension = snapshot.dimension, n > 0 else {
                throw StoreError(.invalidInput, "collection '\(name)' has no vectors to index")
            }
            let lists = options.lists ?? defaultLists(count: n)
            guard lists >= 1 && lists <= n else {
                throw StoreError(.invalidInput, "collection '\(name)' has \(n) vectors: an IVF index needs 1…\(n) lists, not \(lists)")
            }
            let size = min(n, options.trainSize ?? 256 * lists)
            guard size >= lists else {
                throw StoreError(.invalidInput, "a training sample of \(size) vectors is too small for \(lists) lists of collection '\(name)'")
            }
            try progress(.sampling(vectors: size))
            var rng = SeededRandom(seed: options.seed)
            return (try copyRows(rng.sample(size, of: n), of: snapshot, dimension: dimension), lists, dimension)
        }
        let trainedOn = sample.count / dimension

        // 2. Spherical k-means.
        let trained = try sample.withUnsafeBufferPointer { p in
            try KMeans.train(points: p.baseAddress!, count: trainedOn, dimension: dimension, clusters: lists,
                             iterations: options.iterations, seed: options.seed) {
                try progress(.training(iteration: $0, of: options.iterations))
            }
        }

        let trainingSeconds = (clock.now - start).seconds

        // 3. Assign and write as one write, so that no row changes meanwhile;
        //    the lists are committed in batches and published at the end.
        let (vectors, sizes) = try index.write(collection) { writer in
            guard writer.info.dimension == dimension else {
                throw StoreError(.invalidInput, "collection '\(name)' changed its dimension during the IVF build")
            }
            try progress(.assigning(vectors: writer.info.vectorCount))
            let blocks = try writer.snapshot.blocks()
            let assignment = trained.centroids.withUnsafeBufferPointer { c in
                NearestCentroid.assign(blocks.map { .init(vectors: $0.vectors, rows: $0.rows, firstIndex: $0.firstRow) },
                                       count: writer.info.vectorCount, centroids: c.baseAddress!, centroidCount: lists,
                                       dimension: dimension)
            }
            var members = [[Int]](repeating: [], count: lists)
            for (row, list) in assignment.enumerated() { members[Int(list)].append(row) }

            var ivf = try trained.centroids.withUnsafeBufferPointer { try writer.beginIVF(centroids: $0.baseAddress!, lists: lists) }
            ivf.trainedOn = trainedOn
            let rowsPerBatch = max(1, options.batchBytes / (dimension * 4))
            var next = 0
            while next < lists {
                var end = next, rows = 0
                while end < lists && (end == next || rows + members[end].count <= rowsPerBatch) {
                    rows += members[end].count
                    end += 1
                }
                try writer.writeBuiltLists(ivf, lists: next..<end, members: members[next..<end])
                try writer.commitBatch()
                next = end
                try progress(.writing(listsDone: next, of: lists))
            }
            try progress(.publishing)
            try writer.publishIVF(ivf, assignment: assignment)
            return (assignment.count, members.map(\.count))
        }
        return IVFBuildReport(lists: lists, trainedOn: trainedOn, iterations: trained.iterations, vectors: vectors,
                              listSizes: sizes, seconds: (clock.now - start).seconds,
                              trainingSeconds: trainingSeconds, writingSeconds: (clock.now - start).seconds - trainingSeconds)
    }

    /// The vectors of `rows` (increasing), copied into one matrix.
    static func copyRows(_ rows: [Int], of snapshot: CollectionSnapshot, dimension: Int) throws -> [Float] {
        let blocks = try snapshot.blocks()
        let blockRows = snapshot.info.blockRows
        var out = [Float](repeating: 0, count: rows.count * dimension)
        out.withUnsafeMutableBufferPointer { o in
            let o = o.baseAddress!
            // Both cores: a fresh process first faults the pages of the map in.
            Parallel.forEachChunk(count: rows.count, minChunk: 4096) { _, range in
                for i in range {
                    let row = rows[i]
                    let block = blocks[row / blockRows]
                    (o + i * dimension).update(from: block.vectors + (row - block.firstRow) * dimension, count: dimension)
                }
            }
        }
        return out
    }
}
