import Foundation
import TihuaCompute

/// How vectors are compared. Vectors are stored L2-normalised, so cosine
/// similarity is their dot product.
public enum Metric: String, Codable, Sendable { case cosine }

/// The element type of stored vectors, chosen when a collection is created.
/// `int8` is 8-bit scalar quantisation with per-dimension ranges trained on
/// the collection's vectors (FAISS's QT_8bit), stored in its metadata.
public enum VectorDType: String, Codable, Sendable, CaseIterable {
    case float32, float16, int8

    /// Bytes one component takes on disk.
    public var bytesPerComponent: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .int8: 1
        }
    }
}

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
    /// `int8` only: the per-dimension ranges (`ScalarQuantizer.storageBytes`,
    /// base64), set by the first vectors stored or by a conversion.
    public var int8Ranges: String?
    /// Whether a float32 copy of every vector is kept beside the compressed
    /// blocks (for an exact rerank), at 4 bytes a component more.
    public var keepsFloat32: Bool?

    /// Whether float32 copies are stored apart from the blocks (a float32
    /// collection's blocks are the float32 vectors themselves).
    public var hasFloat32Copy: Bool { keepsFloat32 == true && dtype != .float32 }

    /// Bytes one vector takes on disk, its float32 copy included.
    public var storedBytesPerVector: Int { bytesPerVector + (hasFloat32Copy ? (dimension ?? 0) * 4 : 0) }

    /// The quantiser of an `int8` collection, once trained.
    public var quantizer: ScalarQuantizer? {
        guard dtype == .int8, let dimension, let text = int8Ranges, let data = Data(base64Encoded: text) else { return nil }
        return data.withUnsafeBytes { ScalarQuantizer(storageBytes: $0, dimension: dimension) }
    }

    /// How the stored rows are encoded; nil for an `int8` collection before
    /// its ranges are trained (it holds no vectors then).
    public var encoding: VectorEncoding? {
        switch dtype {
        case .float32: .float32
        case .float16: .float16
        case .int8: quantizer.map { .sq8($0) }
        }
    }

    /// Bytes one stored vector takes in the blocks (0 before the dimension is known).
    public var bytesPerVector: Int { (dimension ?? 0) * dtype.bytesPerComponent }

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

extension CollectionInfo {
    /// The largest vector dimension a collection holds.
    public static let maxDimension = 65536

    /// Decodes stored metadata and checks that it is consistent; anything
    /// else (an edited or damaged document) is a `.corrupt` error naming the
    /// field, never a trap later (`blockRows: 0` would divide by zero).
    package static func decode(_ bytes: [UInt8], name: String, index: String) throws -> CollectionInfo {
        func corrupt(_ what: String) -> StoreError {
            StoreError(.corrupt, "index \(index): metadata of collection '\(name)' \(what)")
        }
        let info: CollectionInfo
        do {
            info = try JSONDecoder().decode(CollectionInfo.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw corrupt("is unreadable: \(error.summary)")
        } catch {
            throw corrupt("is unreadable: not valid JSON")
        }
        if let problem = info.problem(expectedName: name) { throw corrupt(problem) }
        return info
    }

    /// The first inconsistency of this metadata, or nil.
    func problem(expectedName: String) -> String? {
        if name != expectedName { return "names another collection ('\(name.prefix(64))')" }
        if recordCount < 0 || vectorCount < 0 { return "has a negative count" }
        if UInt64(recordCount) > nextSequence { return "counts \(recordCount) records but only \(nextSequence) were ever added" }
        if vectorCount > recordCount { return "counts more vectors (\(vectorCount)) than records (\(recordCount))" }
        if vectorCount >= Int(UInt32.max) { return "counts \(vectorCount) vectors, more than a collection holds" }
        guard let dimension else {
            if int8Ranges != nil { return "has int8 ranges but no dimension" }
            if vectorCount > 0 { return "has \(vectorCount) vectors but no dimension" }
            if ivf != nil { return "has an IVF index but no dimension" }
            return nil
        }
        if dimension < 1 || dimension > Self.maxDimension { return "has dimension \(dimension), outside 1…\(Self.maxDimension)" }
        if blockRows < 1 || blockRows > 65536 || blockRows * dimension > 1 << 28 {
            return "has \(blockRows) rows per block, outside 1…\(min(65536, (1 << 28) / dimension)) for dimension \(dimension)"
        }
        switch dtype {
        case .int8:
            if int8Ranges != nil && quantizer == nil { return "has int8 ranges that are not \(dimension) finite ranges" }
            if vectorCount > 0 && quantizer == nil { return "holds int8 vectors but no int8 ranges" }
        case .float32, .float16:
            if int8Ranges != nil { return "has int8 ranges but stores \(dtype.rawValue)" }
        }
        if let ivf {
            if ivf.lists < 1 || ivf.lists >= Int(UInt32.max) || ivf.lists * dimension > 1 << 29 {
                return "has an IVF index of \(ivf.lists) lists, outside 1…\(min(Int(UInt32.max) - 1, (1 << 29) / dimension)) for dimension \(dimension)"
            }
            if ivf.chunkRows < 1 || ivf.chunkRows * (dimension + 1) > 1 << 28 {
                return "has IVF chunks of \(ivf.chunkRows) rows, outside 1…\((1 << 28) / (dimension + 1)) for dimension \(dimension)"
            }
            if ivf.trainedOn < 0 { return "has an IVF index trained on \(ivf.trainedOn) vectors" }
        }
        return nil
    }
}
