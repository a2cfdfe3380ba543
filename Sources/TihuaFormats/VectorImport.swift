import TihuaCompute
import TihuaStore

/// Imports a `.npy` matrix and its ids file into a collection, all or
/// nothing, in batches of about 64 MiB (LMDB bounds one transaction's dirty
/// pages; the file is read one batch at a time, never whole).
public struct VectorImport {
    public let vectorsPath: String
    public let idsPath: String
    /// Rows per transaction; nil for about 64 MiB of vectors.
    public var batchRows: Int?
    /// How the collection stores its vectors: taken by a collection that
    /// holds none yet, an error for one that stores another dtype; nil keeps
    /// the collection's (float32 for a new one).
    public var dtype: VectorDType?
    /// Keep float32 copies beside compressed vectors (a new collection only).
    public var keepFloat32 = false

    public init(vectorsPath: String, idsPath: String, batchRows: Int? = nil, dtype: VectorDType? = nil,
                keepFloat32: Bool = false) {
        self.keepFloat32 = keepFloat32
        self.vectorsPath = vectorsPath
        self.idsPath = idsPath
        self.batchRows = batchRows
        self.dtype = dtype
    }

    /// Returns the number of vectors imported. `progress(done, total)` is
    /// called after each committed batch.
    @discardableResult
    public func run(into index: TihuaIndex, collection name: String,
                    progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        let file = try NPYFile(path: vectorsPath)
        let ids = try IDList.read(path: idsPath)
        guard ids.count == file.rows else {
            throw FormatError(.invalidInput, "\(idsPath) has \(ids.count) ids but \(vectorsPath) has \(file.rows) rows")
        }
        if let existing = try index.info(of: name), let d = existing.dimension, d != file.columns {
            throw FormatError(.invalidInput, "\(vectorsPath) has dimension \(file.columns) but collection '\(name)' holds \(d)-dimensional vectors")
        }
        let existing = try index.info(of: name)
        if let dtype, let existing, existing.vectorCount > 0, existing.dtype != dtype {
            throw FormatError(.invalidInput, "collection '\(name)' stores \(existing.dtype.rawValue) vectors, not \(dtype.rawValue)")
        }
        let collection = try index.prepareCollection(name)
        try index.read { txn in
            guard try txn.info(collection.name) != nil else { return }
            let snapshot = try txn.snapshot(collection)
            for (line, id) in ids.enumerated() where try snapshot.record(id) != nil {
                throw FormatError(.invalidInput, "\(idsPath) line \(line + 1): collection '\(name)' already has id '\(id)'")
            }
        }
        let dimension = file.columns
        let batchRows = max(1, self.batchRows ?? (64 << 20) / (dimension * 4))
        var buffer = [Float](repeating: 0, count: min(batchRows, max(1, file.rows)) * dimension)
        /// The file's rows in batches, read into `buffer` and normalised (a bad row names its line and id).
        func forEachBatch(_ body: (_ first: Int, _ count: Int, _ rows: UnsafeMutablePointer<Float>) throws -> Void) throws {
            var first = 0
            while first < file.rows {
                let count = min(batchRows, file.rows - first)
                try buffer.withUnsafeMutableBufferPointer { b in
                    try file.readRows(first, count: count, into: b.baseAddress!)
                    try VectorCheck.normalizeRows(b.baseAddress!, count: count, dimension: dimension) { [first] in
                        "\(vectorsPath) row \(first + $0) (id '\(ids[first + $0])')"
                    }
                    try body(first, count, b.baseAddress!)
                }
                first += count
            }
        }
        // A new int8 collection: ranges trained on every row of the file (one cheap pass).
        var ranges: ScalarQuantizer?
        if (dtype ?? existing?.dtype) == .int8 && (existing?.vectorCount ?? 0) == 0 && file.rows > 0 {
            var trainer = ScalarQuantizer.Trainer(dimension: dimension)
            try forEachBatch { _, count, rows in trainer.add(rows, count: count) }
            ranges = trainer.quantizer()
        }
        try index.write(collection) { writer in
            if let dtype { try writer.setDType(dtype) }
            if keepFloat32 { try writer.setKeepFloat32(true) }
            if let ranges, writer.info.vectorCount == 0 { try writer.trainInt8Ranges(ranges) }
            try forEachBatch { first, count, rows in
                try writer.addVectors(ids: Array(ids[first..<(first + count)]), vectors: rows, dimension: dimension)
                try writer.commitBatch()
                progress(first + count, file.rows)
            }
        }
        return file.rows
    }
}
