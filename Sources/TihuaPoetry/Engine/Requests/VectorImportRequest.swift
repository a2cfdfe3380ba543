import TihuaStore

/// A `.npy` matrix and its ids file to import into a collection. In-process
/// only: it names files.
public struct VectorImportRequest: Sendable, Equatable {
    public var collection: String
    public var vectorsFile: String
    public var idsFile: String
    /// Rows per transaction (1…`EngineLimits.maxVectorBatch`); nil for about 64 MiB.
    public var batchRows: Int?
    /// How a new collection stores its vectors (nil: float32, or the existing collection's).
    public var dtype: VectorDType?
    /// Keep float32 copies beside compressed vectors (for `rerank`).
    public var keepFloat32 = false

    public init(collection: String, vectorsFile: String, idsFile: String, batchRows: Int? = nil,
                dtype: VectorDType? = nil, keepFloat32: Bool = false) {
        self.dtype = dtype
        self.keepFloat32 = keepFloat32
        self.collection = collection
        self.vectorsFile = vectorsFile
        self.idsFile = idsFile
        self.batchRows = batchRows
    }
}
