import Foundation
import TihuaSearch
import TihuaStore

/// A keyword and its cosine similarity to the query.
public struct ScoredKeyword: Codable, Sendable, Equatable {
    public let keyword: String
    public let score: Float
}

/// A poem found for a query.
public struct PoemHit: Codable, Sendable, Equatable {
    public let id: String
    public let score: Float
    public let title: String?
    public let author: String?
    public let dynasty: String?
    public let lines: [String]
}

/// An image found for a poem.
public struct ImageHit: Codable, Sendable, Equatable {
    public let id: String
    public let score: Float
}

/// The image ↔ poem operations over an index, given query embeddings (see
/// `PoetryQueries` for the same from images and texts). Every query names
/// the model that made it; a collection embedded by another model refuses it.
public struct PoetryIndex: Sendable {
    public let index: TihuaIndex

    public init(index: TihuaIndex) { self.index = index }

    /// Keywords considered at most for a diverse selection.
    public static let maxDiversityPool = 10_000

    /// The `k` keywords closest to `query`: plain top-k (as Image2Poem does),
    /// or with `diversity` λ < 1 maximal marginal relevance over the 10·k
    /// closest, so that near-synonyms do not fill the prefix. Always exact
    /// (a vocabulary is small).
    public func keywords(near query: [Float], model: String, k: Int, diversity: Float? = nil) throws -> [ScoredKeyword] {
        let c = try handle(BuiltinCollection.keywords)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            // The diversity pool: 10·k, at most every keyword and at most
            // `maxDiversityPool` (its cost grows with k × pool); k itself may be huge.
            let pool = diversity == nil ? k
                : min(max(k, k > snapshot.vectorCount / 10 ? snapshot.vectorCount : 10 * k), snapshot.vectorCount, Self.maxDiversityPool)
            let hits = try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count),
                                                  k: pool, method: .exact).hits(query: 0)
            var chosen = Array(hits.indices.prefix(k))
            if let lambda = diversity, hits.count > 1 {
                let dimension = query.count
                var vectors: [Float] = []
                vectors.reserveCapacity(hits.count * dimension)
                for hit in hits { vectors += try snapshot.vector(row: hit.row) }
                chosen = KeywordSelection.maximalMarginalRelevance(
                    relevance: hits.map(\.score), vectors: vectors, dimension: dimension, k: k, lambda: lambda)
            }
            return try chosen.map { ScoredKeyword(keyword: try snapshot.id(ofRow: hits[$0].row), score: hits[$0].score) }
        }
    }

    /// The `k` poems closest to `query` (IVF when built and `method` allows).
    public func poems(near query: [Float], model: String, k: Int, method: SearchMethod = .automatic) throws -> [PoemHit] {
        let c = try handle(BuiltinCollection.poems)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            let hits = try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count),
                                                  k: k, method: method).hits(query: 0)
            let decoder = JSONDecoder()
            return try hits.map { hit in
                let id = try snapshot.id(ofRow: hit.row)
                guard let record = try snapshot.record(id) else {
                    throw PoetryError("index \(index.path): poem row \(hit.row) names '\(id)', which has no record")
                }
                let poem = try decoder.decode(Poem.self, from: Data(record.document))
                return PoemHit(id: id, score: hit.score, title: poem.title, author: poem.author,
                               dynasty: poem.dynasty, lines: poem.lines)
            }
        }
    }

    /// The `k` images closest to `query`.
    public func images(near query: [Float], model: String, k: Int, method: SearchMethod = .automatic) throws -> [ImageHit] {
        let c = try handle(BuiltinCollection.images)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            return try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count), k: k, method: method)
                .hits(query: 0).map { ImageHit(id: try snapshot.id(ofRow: $0.row), score: $0.score) }
        }
    }

    /// The `k` images closest to the stored embedding of poem `id`.
    public func images(forPoem id: String, k: Int, method: SearchMethod = .automatic) throws -> [ImageHit] {
        let (vector, model) = try poemVector(id)
        return try images(near: vector, model: model, k: k, method: method)
    }

    /// The stored embedding of poem `id` and the model that made it.
    public func poemVector(_ id: String) throws -> (vector: [Float], model: String) {
        let c = try handle(BuiltinCollection.poems)
        return try index.read { txn in
            let snapshot = try txn.snapshot(c)
            guard let record = try snapshot.record(id) else {
                throw PoetryError("no poem '\(id)' in index \(index.path)")
            }
            guard let row = record.vectorRow, let model = snapshot.info.model else {
                throw PoetryError("poem '\(id)' has no embedding yet (run tihua embed)")
            }
            return (Array(try snapshot.vector(row: row)), model)
        }
    }

    /// The handle of a built-in collection (resolved outside transactions).
    private func handle(_ name: String) throws -> Collection {
        guard let c = try index.collection(name) else {
            throw PoetryError("index \(index.path) has no \(name) (import them first)")
        }
        return c
    }

    /// A collection that holds vectors of `model`, or an error saying why not.
    private func embedded(_ txn: ReadTransaction, _ c: Collection, model: String) throws -> CollectionSnapshot {
        let name = c.name
        let snapshot = try txn.snapshot(c)
        guard snapshot.vectorCount > 0 else {
            throw PoetryError("the \(name) of index \(index.path) have no embeddings (run tihua \(name == BuiltinCollection.images ? "images add" : "embed"))")
        }
        try ModelBinding.check(snapshot.info, identity: model)
        return snapshot
    }
}
