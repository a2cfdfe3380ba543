import TihuaStore

/// How to search a collection.
public enum SearchMethod: Sendable, Equatable {
    /// Every vector is scored.
    case exact
    /// The IVF index, scanning the `nprobe` nearest lists; an error without one.
    case ivf(nprobe: Int)
    /// The IVF index with `nprobe` when the collection has one, else exact.
    case automatic(nprobe: Int)

    /// Lists probed when none is asked for: 1.6 % of the vectors with 1024
    /// lists (less with the default ≈ 4·√n lists of a large collection).
    /// Recall grows with it; see Tools/bench/RESULTS.md for recall@10 per
    /// nprobe on embedding-like data.
    public static let defaultNProbe = 16
    public static let automatic = SearchMethod.automatic(nprobe: defaultNProbe)
}

/// Searches one collection of an index: batch-first like FAISS
/// (`neighbors(queries, k)` → rows and scores), or with ids resolved
/// (`search`). Each call runs in one read transaction, so it sees one
/// consistent snapshot even while an import or an IVF build runs.
public struct VectorSearch: Sendable {
    public let index: TihuaIndex
    public let collection: Collection

    /// A search over collection `name`, which must exist.
    public init(index: TihuaIndex, collection name: String) throws {
        self.index = index
        guard let collection = try index.collection(name) else { throw StoreError.noCollection(name, in: index.path) }
        self.collection = collection
    }

    /// Rows and scores of the `k` best vectors for each query.
    public func neighbors(_ queries: QueryMatrix, k: Int, method: SearchMethod = .automatic) throws -> Neighbors {
        try index.read { txn in
            try Self.neighbors(try txn.snapshot(collection), queries, k: k, method: method)
        }
    }

    /// The `k` best hits of each query, best first, with their ids. With
    /// `rerank` N, the N best of the stored (compressed) vectors are scored
    /// again against float32 (see `neighbors(_:_:k:method:rerank:)`).
    public func search(_ queries: QueryMatrix, k: Int, method: SearchMethod = .automatic,
                       rerank: Int? = nil) throws -> [[SearchHit]] {
        try index.read { txn in
            let snapshot = try txn.snapshot(collection)
            let found = try Self.neighbors(snapshot, queries, k: k, method: method, rerank: rerank)
            return try IDResolver.hits(found, snapshot)
        }
    }

    /// Searches for the `max(k, rerank)` best by the stored vectors, then
    /// keeps the `k` best of those by their float32 vectors: the
    /// collection's own (float32) or the copies it keeps (an error when a
    /// compressed collection keeps none).
    public static func neighbors(_ snapshot: CollectionSnapshot, _ queries: QueryMatrix, k: Int, method: SearchMethod,
                                 rerank: Int?) throws -> Neighbors {
        guard let rerank else { return try neighbors(snapshot, queries, k: k, method: method) }
        guard rerank >= 1 else { throw SearchError(.invalidArgument, "rerank must be at least 1, not \(rerank)") }
        let info = snapshot.info
        guard info.dtype == .float32 || info.hasFloat32Copy else {
            throw SearchError(.invalidArgument, "collection '\(snapshot.name)' stores \(info.dtype.rawValue) vectors and keeps no float32 copy to rerank against")
        }
        let found = try neighbors(snapshot, queries, k: max(k, rerank), method: method)
        return try Rerank.apply(found, snapshot, queries: queries, k: k)
    }

    /// Searches a snapshot the caller holds (inside its own read transaction).
    public static func neighbors(_ snapshot: CollectionSnapshot, _ queries: QueryMatrix, k: Int,
                                 method: SearchMethod) throws -> Neighbors {
        switch method {
        case .exact:
            return try ExactSearch.search(snapshot, queries: queries, k: k)
        case .ivf(let nprobe):
            return try IVFSearch.search(snapshot, queries: queries, k: k, nprobe: nprobe)
        case .automatic(let nprobe):
            return snapshot.info.ivf == nil
                ? try ExactSearch.search(snapshot, queries: queries, k: k)
                : try IVFSearch.search(snapshot, queries: queries, k: k, nprobe: nprobe)
        }
    }
}
