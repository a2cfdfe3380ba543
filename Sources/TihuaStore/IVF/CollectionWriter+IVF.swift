import CLMDB
import TihuaCompute

/// List maintenance of the IVF index (see `IVFIndex`): new rows are filed in
/// the list of their nearest centroid, deleted and moved rows follow, and a
/// build writes and publishes a new generation.
extension CollectionWriter {
    /// The current IVF centroids, copied.
    func currentCentroids() throws -> [Float] {
        guard let ivf = try IVFIndex(snapshot) else { return [] }
        return Array(UnsafeBufferPointer(start: ivf.centroids, count: ivf.info.lists * ivf.dimension))
    }

    /// The nearest IVF list of each vector.
    func assignLists(vectors: UnsafePointer<Float>, count: Int, dimension: Int) throws -> [UInt32] {
        guard let ivf = info.ivf else { return [] }
        let centroids = try currentCentroids()
        return centroids.withUnsafeBufferPointer {
            NearestCentroid.assign(vectors: vectors, count: count, centroids: $0.baseAddress!,
                                   centroidCount: ivf.lists, dimension: dimension)
        }
    }

    /// Appends rows to their lists (`lists[i]` is the list of `rows.lowerBound + i`),
    /// encoded as the lists are.
    func appendToLists(rows: Range<Int>, lists: [UInt32], vectors: UnsafePointer<Float>, dimension: Int) throws {
        guard let ivf = info.ivf else { return }
        let encoding = try snapshot.ivfListEncoding(ivf)
        let rowBytes = encoding.bytesPerRow(dimension: dimension)
        var encoded = [UInt8](repeating: 0, count: lists.count * rowBytes)
        encoded.withUnsafeMutableBytes { encoding.encode(vectors, count: lists.count, dimension: dimension, into: $0.baseAddress!) }
        var members: [UInt32: [Int]] = [:]
        for (i, list) in lists.enumerated() { members[list, default: []].append(i) }
        try encoded.withUnsafeBytes { e in
            for list in members.keys.sorted() {
                let entries = members[list]!
                try appendToList(generation: ivf.generation, list: list, chunkRows: ivf.chunkRows, rowBytes: rowBytes,
                                 count: entries.count,
                                 row: { UInt32(rows.lowerBound + entries[$0]) },
                                 vector: { e.baseAddress! + entries[$0] * rowBytes })
            }
        }
    }

    /// Appends `count` entries (`rowBytes` each, in the lists' encoding) to
    /// one list: fills its last chunk, then opens new ones.
    func appendToList(generation: UInt32, list: UInt32, chunkRows: Int, rowBytes: Int, count: Int,
                      row: (Int) -> UInt32, vector: (Int) -> UnsafeRawPointer) throws {
        var chunkNumber: UInt32 = 0
        var oldVectors: [UInt8] = []
        var oldRows: [UInt32] = []
        if let last = try lastChunk(generation: generation, list: list, rowBytes: rowBytes) {
            if last.chunk.count < chunkRows {
                chunkNumber = last.number
                oldVectors = Array(UnsafeRawBufferPointer(start: last.chunk.vectors, count: last.chunk.count * rowBytes))
                oldRows = (0..<last.chunk.count).map { UInt32(last.chunk.row($0)) }
            } else {
                chunkNumber = last.number + 1
            }
        }
        var next = 0
        while next < count {
            let kept = oldRows.count
            let take = min(chunkRows - kept, count - next)
            try oldVectors.withUnsafeBytes { old in
                try writeChunk(generation: generation, list: list, chunk: chunkNumber, rowBytes: rowBytes,
                               count: kept + take,
                               row: { $0 < kept ? oldRows[$0] : row(next + $0 - kept) },
                               vector: { i in i < kept ? old.baseAddress! + i * rowBytes : vector(next + i - kept) })
            }
            next += take
            oldRows = []
            oldVectors = []
            chunkNumber += 1
        }
    }

    /// Writes one chunk value from `count` rows and vectors (`rowBytes` each).
    func writeChunk(generation: UInt32, list: UInt32, chunk: UInt32, rowBytes: Int, count: Int,
                    row: (Int) -> UInt32, vector: (Int) -> UnsafeRawPointer) throws {
        let key = IVFLayout.chunkKey(generation: generation, list: list, chunk: chunk)
        let size = IVFLayout.valueSize(count: count, rowBytes: rowBytes)
        try key.withUnsafeBytes { k in
            try txn.reserveRaw(collection.lists, k, size: size, "IVF list \(list) chunk \(chunk) of \(name)") { out in
                out.initializeMemory(as: UInt8.self, repeating: 0)
                out.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 0, as: UInt32.self)
                for i in 0..<count {
                    (out.baseAddress! + IVFLayout.headerSize + i * rowBytes).copyMemory(from: vector(i), byteCount: rowBytes)
                    out.storeBytes(of: row(i).littleEndian,
                                   toByteOffset: IVFLayout.headerSize + count * rowBytes + i * 4, as: UInt32.self)
                }
            }
        }
    }

    private func lastChunk(generation: UInt32, list: UInt32, rowBytes: Int) throws -> (number: UInt32, chunk: IVFChunk)? {
        var last: (UInt32, IVFChunk)?
        try snapshot.forEachChunk(generation: generation, list: list, rowBytes: rowBytes) { number, chunk in
            last = (number, chunk)
        }
        return last
    }

    /// Rewrites list `list` without any entry whose row satisfies `drop`, and
    /// with rows renamed by `rename`; chunks are compacted from the start.
    /// With `recode`, the kept entries' vectors become `recode(row)` (rows
    /// before renaming), `newRowBytes` each: a conversion's new encoding.
    func rewriteList(generation: UInt32, list: UInt32, rowBytes: Int, chunkRows: Int,
                     drop: (Int) -> Bool, rename: (Int) -> Int = { $0 },
                     recode: (newRowBytes: Int, vector: (Int) throws -> UnsafeRawPointer)? = nil) throws {
        var rows: [UInt32] = []
        var vectors: [UInt8] = []
        var chunkNumbers: [UInt32] = []
        try snapshot.forEachChunk(generation: generation, list: list, rowBytes: rowBytes) { number, chunk in
            chunkNumbers.append(number)
            for i in 0..<chunk.count where !drop(chunk.row(i)) {
                rows.append(UInt32(rename(chunk.row(i))))
                if let recode {
                    vectors.append(contentsOf: UnsafeRawBufferPointer(start: try recode.vector(chunk.row(i)),
                                                                       count: recode.newRowBytes))
                } else {
                    vectors.append(contentsOf: UnsafeRawBufferPointer(start: chunk.vectors + i * rowBytes, count: rowBytes))
                }
            }
        }
        for number in chunkNumbers {
            try IVFLayout.chunkKey(generation: generation, list: list, chunk: number).withUnsafeBytes {
                _ = try txn.delete(collection.lists, $0, "IVF list \(list) chunk \(number) of \(name)")
            }
        }
        let newRowBytes = recode?.newRowBytes ?? rowBytes
        var start = 0
        var chunk: UInt32 = 0
        try vectors.withUnsafeBytes { v in
            while start < rows.count {
                let n = min(chunkRows, rows.count - start)
                let s = start
                try writeChunk(generation: generation, list: list, chunk: chunk, rowBytes: newRowBytes, count: n,
                               row: { rows[s + $0] }, vector: { v.baseAddress! + (s + $0) * newRowBytes })
                start += n
                chunk += 1
            }
        }
    }

    /// Follows a delete: drops the entries of `removed` rows and renames the
    /// rows that moved (`renamed[old] = new`) in each of `lists`, each list
    /// rewritten once.
    func ivfRemoveRows(_ removed: Set<Int>, renamed: [Int: Int], lists: Set<UInt32>) throws {
        guard let ivf = info.ivf, let dimension = info.dimension else { return }
        let rowBytes = ivf.listDType.bytesPerComponent * dimension
        for list in lists.sorted() where Int(list) < ivf.lists {
            try rewriteList(generation: ivf.generation, list: list, rowBytes: rowBytes, chunkRows: ivf.chunkRows,
                            drop: { removed.contains($0) }, rename: { renamed[$0] ?? $0 })
        }
    }

    /// Follows a conversion whose new blocks are written (in this
    /// transaction): every list entry takes its row's bytes from the new
    /// blocks, `rowBytes` each, so the lists hold exactly the codes the
    /// blocks do; list membership does not change.
    func ivfRecode(to dtype: VectorDType, rowBytes newRowBytes: Int) throws {
        guard let ivf = info.ivf, let dimension = info.dimension else { return }
        let oldRowBytes = ivf.listDType.bytesPerComponent * dimension
        let blockRows = info.blockRows, vectorCount = info.vectorCount
        let snapshot = self.snapshot
        for list in 0..<ivf.lists {
            // Block values are looked up again for each list: the list writes may move pages of the map.
            var blocks: [Int: UnsafeRawPointer] = [:]
            try rewriteList(generation: ivf.generation, list: UInt32(list), rowBytes: oldRowBytes, chunkRows: ivf.chunkRows,
                            drop: { _ in false },
                            recode: (newRowBytes, { row in
                                let b = row / blockRows
                                if blocks[b] == nil {
                                    blocks[b] = try snapshot.blockBytes(b, rows: min(blockRows, vectorCount - b * blockRows),
                                                                        rowBytes: newRowBytes)
                                }
                                return blocks[b]! + (row - b * blockRows) * newRowBytes
                            }))
        }
        info.ivf?.listDType = dtype
    }

    // MARK: Building

    /// Starts an IVF build: stores `centroids` under the next generation.
    /// Fill the lists with `writeBuiltList`, then `publishIVF`.
    func beginIVF(centroids: UnsafePointer<Float>, lists: Int) throws -> IVFInfo {
        guard let dimension = info.dimension else {
            throw StoreError(.invalidInput, "\(name) has no vectors to index")
        }
        let generation = (info.ivf?.generation ?? 0) &+ 1
        let bytes = max(minimumFloatValueBytes, lists * dimension * 4)
        try txn.reserve(collection.centroids, UInt64(generation), size: bytes, "IVF centroids of \(name)") { out in
            out.initializeMemory(as: UInt8.self, repeating: 0)
            out.copyMemory(from: UnsafeRawBufferPointer(start: centroids, count: lists * dimension * 4))
        }
        return IVFInfo(lists: lists, chunkRows: IVFInfo.chunkRows(forDimension: dimension),
                       trainedOn: 0, generation: generation, listDType: info.dtype)
    }

    /// Writes whole lists of a build started with `beginIVF`: `members[i]`
    /// holds the rows of list `lists.lowerBound + i`. The lists take the
    /// stored bytes of their rows (the collection's dtype).
    func writeBuiltLists(_ ivf: IVFInfo, lists: Range<Int>, members: ArraySlice<[Int]>) throws {
        precondition(ivf.listDType == info.dtype)
        let blockRows = info.blockRows
        let rowBytes = info.bytesPerVector
        let blocks = try snapshot.encodedBlocks()  // once per batch, not per list
        for (list, rows) in zip(lists, members) where !rows.isEmpty {
            try appendToList(generation: ivf.generation, list: UInt32(list), chunkRows: ivf.chunkRows,
                             rowBytes: rowBytes, count: rows.count,
                             row: { UInt32(rows[$0]) },
                             vector: { i in
                                 let r = rows[i]
                                 let b = blocks[r / blockRows]
                                 return b.bytes + (r - b.firstRow) * rowBytes
                             })
        }
    }

    /// Switches readers to a built IVF index; records each row's list and
    /// deletes the previous generation. `assignment[row]` is row's list.
    func publishIVF(_ ivf: IVFInfo, assignment: [UInt32]) throws {
        precondition(assignment.count == info.vectorCount)
        for (row, list) in assignment.enumerated() {
            guard let value = try txn.get(collection.rowids, UInt64(row), "row \(row) of \(name)") else {
                throw StoreError(.corrupt, "index \(path): row \(row) of \(name) has no id")
            }
            let updated = RowLayout.encode(list: list, id: RowLayout.id(value))
            try updated.withUnsafeBytes { try txn.put(collection.rowids, UInt64(row), $0, "row \(row) of \(name)") }
        }
        let previous = info.ivf?.generation
        info.ivf = ivf
        if let previous { try deleteIVFGeneration(previous) }
    }

    func deleteIVFGeneration(_ generation: UInt32) throws {
        _ = try txn.delete(collection.centroids, UInt64(generation), "IVF centroids of \(name)")
        var keys: [[UInt8]] = []
        let start = IVFLayout.chunkKey(generation: generation, list: 0, chunk: 0)
        try start.withUnsafeBytes { from in
            try txn.forEach(in: collection.lists, from: from) { key, _ in
                guard let k = IVFLayout.decodeChunkKey(key), k.generation == generation else { return false }
                keys.append(Array(key))
                return true
            }
        }
        for key in keys {
            try key.withUnsafeBytes { _ = try txn.delete(collection.lists, $0, "IVF list chunk of \(name)") }
        }
    }
}
