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

    /// Appends rows to their lists (`lists[i]` is the list of `rows.lowerBound + i`).
    func appendToLists(rows: Range<Int>, lists: [UInt32], vectors: UnsafePointer<Float>, dimension: Int) throws {
        guard let ivf = info.ivf else { return }
        var members: [UInt32: [Int]] = [:]
        for (i, list) in lists.enumerated() { members[list, default: []].append(i) }
        for list in members.keys.sorted() {
            let entries = members[list]!
            try appendToList(generation: ivf.generation, list: list, chunkRows: ivf.chunkRows, dimension: dimension,
                             count: entries.count,
                             row: { UInt32(rows.lowerBound + entries[$0]) },
                             vector: { vectors + entries[$0] * dimension })
        }
    }

    /// Appends `count` entries to one list: fills its last chunk, then opens new ones.
    func appendToList(generation: UInt32, list: UInt32, chunkRows: Int, dimension: Int, count: Int,
                      row: (Int) -> UInt32, vector: (Int) -> UnsafePointer<Float>) throws {
        var chunkNumber: UInt32 = 0
        var oldVectors: [Float] = []
        var oldRows: [UInt32] = []
        if let last = try lastChunk(generation: generation, list: list, dimension: dimension) {
            if last.chunk.count < chunkRows {
                chunkNumber = last.number
                oldVectors = Array(UnsafeBufferPointer(start: last.chunk.vectors, count: last.chunk.count * dimension))
                oldRows = (0..<last.chunk.count).map { UInt32(last.chunk.row($0)) }
            } else {
                chunkNumber = last.number + 1
            }
        }
        var next = 0
        while next < count {
            let kept = oldRows.count
            let take = min(chunkRows - kept, count - next)
            try writeChunk(generation: generation, list: list, chunk: chunkNumber, dimension: dimension,
                           count: kept + take,
                           row: { $0 < kept ? oldRows[$0] : row(next + $0 - kept) },
                           vector: { i in
                               i < kept ? oldVectors.withUnsafeBufferPointer { $0.baseAddress! + i * dimension }
                                        : vector(next + i - kept)
                           })
            next += take
            oldRows = []
            oldVectors = []
            chunkNumber += 1
        }
    }

    /// Writes one chunk value from `count` rows and vectors.
    func writeChunk(generation: UInt32, list: UInt32, chunk: UInt32, dimension: Int, count: Int,
                    row: (Int) -> UInt32, vector: (Int) -> UnsafePointer<Float>) throws {
        let key = IVFLayout.chunkKey(generation: generation, list: list, chunk: chunk)
        let size = IVFLayout.valueSize(count: count, dimension: dimension)
        try key.withUnsafeBytes { k in
            try txn.reserveRaw(collection.lists, k, size: size, "IVF list \(list) chunk \(chunk) of \(name)") { out in
                out.initializeMemory(as: UInt8.self, repeating: 0)
                out.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 0, as: UInt32.self)
                let vectorBytes = dimension * 4
                for i in 0..<count {
                    (out.baseAddress! + IVFLayout.headerSize + i * vectorBytes)
                        .copyMemory(from: vector(i), byteCount: vectorBytes)
                    out.storeBytes(of: row(i).littleEndian,
                                   toByteOffset: IVFLayout.headerSize + count * vectorBytes + i * 4, as: UInt32.self)
                }
            }
        }
    }

    private func lastChunk(generation: UInt32, list: UInt32, dimension: Int) throws -> (number: UInt32, chunk: IVFChunk)? {
        var last: (UInt32, IVFChunk)?
        try snapshot.forEachChunk(generation: generation, list: list, dimension: dimension) { number, chunk in
            last = (number, chunk)
        }
        return last
    }

    /// Rewrites list `list` without any entry whose row satisfies `drop`, and
    /// with rows renamed by `rename`; chunks are compacted from the start.
    func rewriteList(generation: UInt32, list: UInt32, dimension: Int, chunkRows: Int,
                     drop: (Int) -> Bool, rename: (Int) -> Int = { $0 }) throws {
        var rows: [UInt32] = []
        var vectors: [Float] = []
        var chunkNumbers: [UInt32] = []
        try snapshot.forEachChunk(generation: generation, list: list, dimension: dimension) { number, chunk in
            chunkNumbers.append(number)
            for i in 0..<chunk.count where !drop(chunk.row(i)) {
                rows.append(UInt32(rename(chunk.row(i))))
                vectors.append(contentsOf: UnsafeBufferPointer(start: chunk.vectors + i * dimension, count: dimension))
            }
        }
        for number in chunkNumbers {
            try IVFLayout.chunkKey(generation: generation, list: list, chunk: number).withUnsafeBytes {
                _ = try txn.delete(collection.lists, $0, "IVF list \(list) chunk \(number) of \(name)")
            }
        }
        var start = 0
        var chunk: UInt32 = 0
        try vectors.withUnsafeBufferPointer { v in
            while start < rows.count {
                let n = min(chunkRows, rows.count - start)
                let s = start
                try writeChunk(generation: generation, list: list, chunk: chunk, dimension: dimension, count: n,
                               row: { rows[s + $0] }, vector: { v.baseAddress! + (s + $0) * dimension })
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
        for list in lists.sorted() where Int(list) < ivf.lists {
            try rewriteList(generation: ivf.generation, list: list, dimension: dimension, chunkRows: ivf.chunkRows,
                            drop: { removed.contains($0) }, rename: { renamed[$0] ?? $0 })
        }
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
                       trainedOn: 0, generation: generation)
    }

    /// Writes whole lists of a build started with `beginIVF`: `members[i]`
    /// holds the rows of list `lists.lowerBound + i`.
    func writeBuiltLists(_ ivf: IVFInfo, lists: Range<Int>, members: ArraySlice<[Int]>) throws {
        guard let dimension = info.dimension else { return }
        let blockRows = info.blockRows
        let blocks = try snapshot.blocks()  // once per batch, not per list
        for (list, rows) in zip(lists, members) where !rows.isEmpty {
            try appendToList(generation: ivf.generation, list: UInt32(list), chunkRows: ivf.chunkRows,
                             dimension: dimension, count: rows.count,
                             row: { UInt32(rows[$0]) },
                             vector: { i in
                                 let r = rows[i]
                                 let b = blocks[r / blockRows]
                                 return b.vectors + (r - b.firstRow) * dimension
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
