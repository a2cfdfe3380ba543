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
