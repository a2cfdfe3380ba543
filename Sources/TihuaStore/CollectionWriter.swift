import CLMDB
import Foundation
import TihuaCompute

/// Changes to one collection, made inside `TihuaIndex.write(_:_:)`.
///
/// Additions (records, vector rows, IVF entries) go beyond the published
/// counters and become visible only when `info` is published, when the
/// write's closure returns. A large write calls `commitBatch()` between
/// batches: LMDB bounds the dirty pages of one transaction, so each batch
/// is committed on its own, still invisible to readers until the end. Valid
/// only inside the closure that received it.
public final class CollectionWriter {
    public let collection: Collection
    /// The collection as it will be published.
    public internal(set) var info: CollectionInfo
    let index: TihuaIndex
    /// The open transaction; replaced by `commitBatch`.
    private(set) var txn: WriteTransaction
    private var isOpen = true
    /// Whether a batch was committed unpublished (the collection carries a
    /// staging mark until the write publishes or is discarded).
    private var hasCommittedBatches = false
    /// Attachments are published with the counters, not with a batch.
    var pendingAttachments: [String: [UInt8]] = [:]

    /// Begins the first transaction of a write; discards what an unfinished
    /// earlier write left behind. The caller holds the writer lock.
    init(index: TihuaIndex, collection: Collection) throws {
        self.index = index
        self.collection = collection
        txn = WriteTransaction(try index.environment.beginWrite(), index: index)
        info = CollectionInfo(name: collection.name)
        do {
            info = try txn.info(collection.name) ?? CollectionInfo(name: collection.name)
            if try txn.hasStagingMark(collection.name) {
                try discardUnpublished()
                try txn.setStagingMark(collection.name, false)
            }
        } catch {
            rollback()
            throw error
        }
    }

    var name: String { collection.name }
    var path: String { index.path }

    /// What this transaction sees, including this writer's unpublished additions.
    public var snapshot: CollectionSnapshot {
        CollectionSnapshot(collection: collection, info: info, txn: txn)
    }

    /// Commits what was written so far in its own transaction, without
    /// publishing it (readers still see the collection as it was), and
    /// continues in a new one. Snapshots taken before are no longer valid.
    public func commitBatch() throws {
        precondition(isOpen, "a collection writer used after its write ended")
        if !hasCommittedBatches {
            try txn.setStagingMark(collection.name, true)
            hasCommittedBatches = true
        }
        try commit()
        txn = WriteTransaction(try index.environment.beginWrite(), index: index)
        isOpen = true
    }

    /// Publishes the write: attachments, then the counters, in the last transaction.
    func publish() throws {
        precondition(isOpen, "a collection writer used after its write ended")
        for (name, bytes) in pendingAttachments.sorted(by: { $0.key < $1.key }) {
            try bytes.withUnsafeBytes {
                try txn.put(index.meta, CollectionSnapshot.attachmentKey(collection.name, name), $0,
                            "attachment \(name) of \(self.name)")
            }
        }
        try txn.setInfo(info)
        if hasCommittedBatches { try txn.setStagingMark(collection.name, false) }
        try commit()
    }

    /// Ends a failed write: its open transaction is rolled back, and what
    /// its committed batches wrote is deleted now rather than at the next write.
    func abandon() {
        if isOpen { rollback() }
        guard hasCommittedBatches else { return }
        _ = try? index.transaction { txn in
            let writer = try CollectionWriter(reusing: txn, collection: collection)
            try writer.discardUnpublished()
            try txn.setStagingMark(collection.name, false)
        }
    }

    /// A writer over the published state inside an existing transaction
    /// (for `abandon`), never committed by itself.
    private init(reusing txn: WriteTransaction, collection: Collection) throws {
        self.index = txn.index
        self.collection = collection
        self.txn = txn
        info = try txn.info(collection.name) ?? CollectionInfo(name: collection.name)
        isOpen = false
    }

    private func rollback() {
        isOpen = false
        txn.invalidate()
        index.environment.abortWrite(txn.txn)
    }

    private func commit() throws {
        CrashTestHook.committing()
        isOpen = false
        txn.invalidate()
        try index.environment.commitWrite(txn.txn)
        CrashTestHook.committed()
    }

    // MARK: Records

    /// Whether a record with this id exists (published or added by this write).
    public func contains(_ id: String) throws -> Bool {
        try txn.get(collection.records, id, "record '\(id)' of \(name)") != nil
    }

    /// Adds a record without a vector. Returns false, changing nothing, when
    /// the id exists already.
    @discardableResult
    public func addRecord(id: String, document: UnsafeRawBufferPointer?) throws -> Bool {
        if let problem = RecordID.problem(with: id) {
            throw StoreError(.invalidInput, "\(name): \(problem): '\(id.prefix(40))'")
        }
        if try contains(id) { return false }
        try insertRecord(id: id, vectorRow: noRow, document: document)
        return true
    }

    private func insertRecord(id: String, vectorRow: UInt64, document: UnsafeRawBufferPointer?) throws {
        let sequence = info.nextSequence
        let value = RecordLayout.encode(sequence: sequence, vectorRow: vectorRow, document: document)
        try value.withUnsafeBytes {
            try txn.put(collection.records, id, $0, flags: MDB_NOOVERWRITE, "record '\(id)' of \(name)")
        }
        var idBytes = id
        try idBytes.withUTF8 {
            try txn.put(collection.order, sequence, UnsafeRawBufferPointer($0), flags: MDB_APPEND,
                        "order entry \(sequence) of \(name)")
        }
        info.nextSequence += 1
        info.recordCount += 1
    }

    // MARK: Vectors

    /// Adds `ids.count` new records, each with its vector (row-major, unit
    /// length: see `VectorCheck`). An id that exists already is an error.
    public func addVectors(ids: [String], vectors: UnsafePointer<Float>, dimension: Int) throws {
        for id in ids {
            if let problem = RecordID.problem(with: id) {
                throw StoreError(.invalidInput, "\(name): \(problem): '\(id.prefix(40))'")
            }
            if try contains(id) {
                throw StoreError(.invalidInput, "\(name): id '\(id)' exists already")
            }
        }
        let first = try appendRows(vectors: vectors, count: ids.count, dimension: dimension, ids: ids)
        for (i, id) in ids.enumerated() {
            try insertRecord(id: id, vectorRow: UInt64(first + i), document: nil)
        }
    }

    /// Gives existing records that have no vector yet their vectors.
    public func attachVectors(ids: [String], vectors: UnsafePointer<Float>, dimension: Int) throws {
        var updates: [(id: String, value: [UInt8])] = []
        updates.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() {
            guard let value = try txn.get(collection.records, id, "record '\(id)' of \(name)") else {
                throw StoreError(.notFound, "\(name) has no record '\(id)'")
            }
            guard RecordLayout.vectorRow(value) == noRow else {
                throw StoreError(.invalidInput, "\(name): record '\(id)' has a vector already")
            }
            let updated = RecordLayout.encode(sequence: RecordLayout.sequence(value),
                                              vectorRow: UInt64(info.vectorCount + i),
                                              document: RecordLayout.document(value))
            updates.append((id, updated))
        }
        _ = try appendRows(vectors: vectors, count: ids.count, dimension: dimension, ids: ids)
        for (id, value) in updates {
            try value.withUnsafeBytes { try txn.put(collection.records, id, $0, "record '\(id)' of \(name)") }
        }
    }

    /// Records the identity of the model whose vectors this collection holds.
    public func setModel(_ model: String?) { info.model = model }

    /// Chooses how the collection stores its vectors. Only a collection that
    /// holds no vectors yet takes a dtype (asking for the one it has is
    /// fine); `convert(to:)` changes the dtype of stored vectors.
    public func setDType(_ dtype: VectorDType) throws {
        if dtype == info.dtype { return }
        guard info.vectorCount == 0 else {
            throw StoreError(.invalidInput, "\(name) stores \(info.dtype.rawValue) vectors, not \(dtype.rawValue); convert it to change its dtype")
        }
        info.dtype = dtype
        info.int8Ranges = nil
    }

    /// Keeps a float32 copy of every vector beside the compressed ones (for
    /// an exact rerank); only a collection without vectors takes it (or a
    /// conversion from float32).
    public func setKeepFloat32(_ keep: Bool) throws {
        if (info.keepsFloat32 ?? false) == keep { return }
        guard info.vectorCount == 0 else {
            throw StoreError(.invalidInput, keep ? "\(name) has vectors stored without a float32 copy; only a conversion from float32 can keep one"
                                                 : "\(name) keeps float32 copies of its vectors")
        }
        info.keepsFloat32 = keep ? true : nil
    }

    /// Sets the int8 ranges from rows that represent the collection's data
    /// (all of an import, say) before its first vectors are stored. Without
    /// this, the first vectors stored train them. Later vectors outside the
    /// ranges are clamped to them (converting to int8 again refits them).
    public func trainInt8Ranges(_ quantizer: ScalarQuantizer) throws {
        guard info.dtype == .int8 else {
            throw StoreError(.invalidInput, "\(name) stores \(info.dtype.rawValue) vectors, which have no int8 ranges")
        }
        if let d = info.dimension, d != quantizer.dimension {
            throw StoreError(.invalidInput, "\(name) holds \(d)-dimensional vectors, not \(quantizer.dimension)")
        }
        guard info.vectorCount == 0 else {
            throw StoreError(.invalidInput, "\(name) has int8 ranges already; convert it to int8 again to refit them")
        }
        info.int8Ranges = Data(quantizer.storageBytes).base64EncodedString()
    }

    /// Appends vector rows `vectorCount ..< vectorCount + count`: fills the
    /// last block, writes new ones, records each row's id and files the rows
    /// in their IVF lists. Returns the first new row.
    func appendRows(vectors: UnsafePointer<Float>, count: Int, dimension: Int, ids: [String]) throws -> Int {
        precondition(ids.count == count)
        if let d = info.dimension, d != dimension {
            throw StoreError(.invalidInput, "\(name) holds \(d)-dimensional vectors, not \(dimension)")
        }
        if info.dimension == nil {
            guard dimension > 0 && dimension <= 65536 else {
                throw StoreError(.invalidInput, "\(name): dimension \(dimension) is outside 1…65536")
            }
            info.dimension = dimension
            info.blockRows = CollectionInfo.blockRows(forDimension: dimension)
        }
        let first = info.vectorCount
        guard count > 0 else { return first }
        guard first + count < Int(UInt32.max) else {
            throw StoreError(.invalidInput, "\(name): more than \(UInt32.max - 1) vectors")
        }
        try writeBlocks(from: first, vectors: vectors, count: count, dimension: dimension)

        let lists = try info.ivf != nil ? assignLists(vectors: vectors, count: count, dimension: dimension) : nil
        for (i, id) in ids.enumerated() {
            let value = RowLayout.encode(list: lists?[i] ?? noList, id: id)
            try value.withUnsafeBytes {
                try txn.put(collection.rowids, UInt64(first + i), $0, flags: MDB_APPEND, "id of row \(first + i) of \(name)")
            }
        }
        if let lists {
            try appendToLists(rows: first..<(first + count), lists: lists, vectors: vectors, dimension: dimension)
        }
        info.vectorCount += count
        return first
    }

    /// Writes rows `first ..< first + count` into their blocks, encoded in
    /// the collection's dtype (an int8 collection without ranges trains
    /// them on these rows first); a partly filled last block is rewritten
    /// with its old rows followed by new ones.
    private func writeBlocks(from first: Int, vectors: UnsafePointer<Float>, count: Int, dimension: Int) throws {
        if info.dtype == .int8 && info.int8Ranges == nil {
            guard let quantizer = ScalarQuantizer.train(vectors, count: count, dimension: dimension) else {
                throw StoreError(.invalidInput, "\(name): int8 ranges cannot be trained on non-finite vectors")
            }
            info.int8Ranges = Data(quantizer.storageBytes).base64EncodedString()
        }
        try writeRows(from: first, vectors: vectors, count: count, dimension: dimension, keyBase: 0,
                      encoding: try snapshot.encoding())
        if info.hasFloat32Copy {
            try writeRows(from: first, vectors: vectors, count: count, dimension: dimension, keyBase: float32CopyKeyBase,
                          encoding: .float32)
        }
    }

    /// Writes rows `first ..< first + count` in `encoding` into the blocks
    /// under keys `keyBase + block` (0: the collection's own blocks; the
    /// float32 copy's base otherwise), keeping a partly filled block's rows.
    func writeRows(from first: Int, vectors: UnsafePointer<Float>, count: Int, dimension: Int, keyBase: UInt64,
                   encoding: VectorEncoding) throws {
        let rowBytes = encoding.bytesPerRow(dimension: dimension)
        let blockRows = info.blockRows
        var row = first
        while row < first + count {
            let block = row / blockRows
            let kept = row - block * blockRows
            let take = min(blockRows - kept, first + count - row)
            let old: [UInt8] = kept > 0 ? try copyOfBlock(block, rows: kept, keyBase: keyBase, rowBytes: rowBytes) : []
            let source = vectors + (row - first) * dimension
            let key = keyBase + UInt64(block)
            try txn.reserve(collection.blocks, key, size: max(minimumFloatValueBytes, (kept + take) * rowBytes),
                            "vector block \(key) of \(name)") { out in
                out.initializeMemory(as: UInt8.self, repeating: 0)
                old.withUnsafeBytes { out.copyMemory(from: $0) }
                encoding.encode(source, count: take, dimension: dimension, into: out.baseAddress! + kept * rowBytes)
            }
            row += take
        }
    }

    /// The stored bytes of the first `rows` rows of a block, copied (a
    /// pointer into the map may not survive the write that replaces the block).
    func copyOfBlock(_ block: Int, rows: Int, keyBase: UInt64 = 0, rowBytes: Int? = nil) throws -> [UInt8] {
        let rowBytes = rowBytes ?? info.bytesPerVector
        let base = try snapshot.blockBytes(block, rows: rows, keyBase: keyBase, rowBytes: rowBytes)
        return Array(UnsafeRawBufferPointer(start: base, count: rows * rowBytes))
    }
}
