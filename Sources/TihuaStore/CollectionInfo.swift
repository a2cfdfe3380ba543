/// How vectors are compared. Vectors are stored L2-normalised, so cosine
/// similarity is their dot product.
public enum Metric: String, Codable, Sendable { case cosine }

/// The element type of stored vectors.
public enum VectorDType: String, Codable, Sendable { case float32 }

/// A collection's metadata, stored as JSON in the `meta` database.
///
/// Counters define what readers see: records whose sequence number is
/// `≥ nextSequence` and vector rows `≥ vectorCount` belong to an import that
/// has not been published (or was killed) and are invisible. A staged import
/// writes beyond them in many transactions and publishes by writing this
/// document once; the next writer discards whatever a killed import left.
public struct CollectionInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Vector dimension; nil until the first vector is stored.
    public var dimension: Int?
    public var metric: Metric = .cosine
    public var dtype: VectorDType = .float32
    /// Identity of the model that produced the vectors (nil for imported vectors).
    public var model: String?
    /// Vector rows per stored block (fixed when the dimension is set).
    public var blockRows: Int = 0
    /// Visible records.
    public var recordCount: Int = 0
    /// The sequence number the next record gets.
    public var nextSequence: UInt64 = 0
    /// Visible vector rows: rows 0..<vectorCount.
    public var vectorCount: Int = 0
    /// The IVF index over the vectors, if one was built.
    public var ivf: IVFInfo?

    public init(name: String) { self.name = name }

    /// Rows per block for a dimension: about 2 MiB a block (a power of two,
    /// 64…65536 rows), large enough for one efficient `sgemm` per block and
    /// small enough that appending to the last block rewrites little.
    static func blockRows(forDimension dimension: Int) -> Int {
        let target = max(1, (2 << 20) / (dimension * 4))
        var rows = 64
        while rows * 2 <= target && rows < 65536 { rows *= 2 }
        return rows
    }
}

/// The shape of an IVF index: `lists` coarse centroids, each list stored as
/// chunks of at most `chunkRows` vectors.
public struct IVFInfo: Codable, Sendable, Equatable {
    public var lists: Int
    public var chunkRows: Int
    /// Vectors the centroids were trained on.
    public var trainedOn: Int
    /// Key prefix of this build's centroids and lists; a rebuild writes the
    /// next generation beside the current one and switches at publication.
    public var generation: UInt32

    public init(lists: Int, chunkRows: Int, trainedOn: Int, generation: UInt32) {
        self.lists = lists
        self.chunkRows = chunkRows
        self.trainedOn = trainedOn
        self.generation = generation
    }

    /// Rows per list chunk: about 512 KiB a chunk, at least 16 rows.
    public static func chunkRows(forDimension dimension: Int) -> Int {
        max(16, (512 << 10) / (dimension * 4 + 4))
    }
}
