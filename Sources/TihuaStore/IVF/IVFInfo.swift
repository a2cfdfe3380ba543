/// The shape of an IVF index: `lists` coarse centroids, each list stored as
/// chunks of at most `chunkRows` vectors of `listDType`.
public struct IVFInfo: Codable, Sendable, Equatable {
    public var lists: Int
    public var chunkRows: Int
    /// Vectors the centroids were trained on.
    public var trainedOn: Int
    /// Key prefix of this build's centroids and lists; a rebuild writes the
    /// next generation beside the current one and switches at publication.
    public var generation: UInt32
    /// The element type of the vectors in the list chunks: the collection's
    /// dtype (int8 codes with the collection's ranges), as written by a
    /// build or a conversion. Indexes written before lists carried it hold
    /// float32 lists (the key is absent; see `init(from:)`); they stay
    /// readable and are rewritten in the collection's dtype by the next
    /// build or conversion.
    public var listDType: VectorDType

    public init(lists: Int, chunkRows: Int, trainedOn: Int, generation: UInt32, listDType: VectorDType = .float32) {
        self.lists = lists
        self.chunkRows = chunkRows
        self.trainedOn = trainedOn
        self.generation = generation
        self.listDType = listDType
    }

    enum CodingKeys: String, CodingKey { case lists, chunkRows, trainedOn, generation, listDType }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lists = try c.decode(Int.self, forKey: .lists)
        chunkRows = try c.decode(Int.self, forKey: .chunkRows)
        trainedOn = try c.decode(Int.self, forKey: .trainedOn)
        generation = try c.decode(UInt32.self, forKey: .generation)
        // Absent: the layout before lists followed the collection's dtype, whose lists were all float32.
        listDType = try c.decodeIfPresent(VectorDType.self, forKey: .listDType) ?? .float32
    }

    /// Rows per list chunk: about 512 KiB a chunk of float32 rows, at least 16 rows.
    public static func chunkRows(forDimension dimension: Int) -> Int {
        max(16, (512 << 10) / (dimension * 4 + 4))
    }
}
