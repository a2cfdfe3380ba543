import TihuaCompute

/// # The IVF index of a collection
///
/// An inverted file, as FAISS's `IndexIVFFlat`: a coarse quantizer of
/// `lists` unit centroids, trained by spherical k-means on a sample
/// (`KMeans`, run by `IVFBuilder`), files every vector in the list of its
/// nearest centroid by inner product (`NearestCentroid`); each list keeps
/// its members' vectors (in the collection's dtype, `IVFInfo.listDType`:
/// float32, float16, or int8 codes with the collection's ranges, as FAISS's
/// `IndexIVFScalarQuantizer`) and rows contiguously, in chunks (`IVFLayout`,
/// `IVFChunk`), in the collection's `lists` database, and the centroids sit
/// in `centroids`, both keyed by a build generation so that a rebuild
/// switches at once. Each row's list is also noted in `rowids`, so that a
/// delete finds its entry without a search. The collection writer keeps the
/// lists in step with its rows in the same transaction (`CollectionWriter+IVF`:
/// adds, deletes, discarded imports); a search asks this type for the lists
/// to probe and lends their chunks to a scorer (TihuaSearch's `IVFSearch`).
/// A change of list format or of quantizer stays in this folder.
package struct IVFIndex {
    package let info: IVFInfo
    package let dimension: Int
    /// `lists × dimension` unit centroids, read in place from the map.
    package let centroids: UnsafePointer<Float>
    /// How the vectors of the lists are encoded.
    package let encoding: VectorEncoding
    let snapshot: CollectionSnapshot

    /// The IVF index of `snapshot`, or nil when it has none.
    package init?(_ snapshot: CollectionSnapshot) throws {
        guard let info = snapshot.info.ivf, let dimension = snapshot.dimension else { return nil }
        self.info = info
        self.dimension = dimension
        self.snapshot = snapshot
        centroids = try snapshot.ivfCentroids(info, dimension: dimension)
        encoding = try snapshot.ivfListEncoding(info)
    }

    /// For each of `count` unit queries, the `keep` lists whose centroids
    /// score highest, best first (ties: the lower list). One `sgemm` scores
    /// every query against every centroid.
    package func probes(_ queries: UnsafePointer<Float>, count: Int, keep: Int) -> [[Int]] {
        let lists = info.lists
        let keep = max(1, min(keep, lists))
        var scores = [Float](repeating: 0, count: count * lists)
        scores.withUnsafeMutableBufferPointer { s in
            // A few queries: splitting the product costs more than it saves.
            BLAS.sgemm(m: count, n: lists, k: dimension, a: queries, lda: dimension,
                       b: centroids, ldb: dimension, bTransposed: true, c: s.baseAddress!, ldc: lists,
                       threads: count < 16 ? 1 : Parallel.cores)
        }
        return scores.withUnsafeBufferPointer { s in
            (0..<count).map { q in
                var top = TopK(k: keep)
                top.offer(s.baseAddress! + q * lists, count: lists, firstRow: 0)
                return top.sorted().map(\.row)
            }
        }
    }

    /// Lends `body` the chunks of list `list`. Entries whose row is
    /// `≥ vectorCount` belong to an unpublished write: scans skip them.
    package func forEachChunk(ofList list: Int, _ body: (IVFChunk) throws -> Void) throws {
        try snapshot.forEachChunk(generation: info.generation, list: UInt32(list),
                                  rowBytes: encoding.bytesPerRow(dimension: dimension)) { _, chunk in
            try body(chunk)
        }
    }
}
