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

/// The image ↔ poem operations over an index, given query embeddings (the
/// façade `TihuaEngine` makes them from texts, images and poems). A query
/// names the model that made it, and a collection embedded by another model
/// refuses it; nil skips the check (a vector whose model is unknown).
///
/// Each call reads in its own read transaction, so calls may run on many
/// threads at once. The `…Searched` forms also say which collections were
/// searched only in part (records without vectors cannot be found).
public struct PoetryIndex: Sendable {
    public let index: TihuaIndex

    public init(index: TihuaIndex) { self.index = index }

    /// Keywords considered at most for a diverse selection.
    public static let maxDiversityPool = 10_000

    /// Hits and the collections that were searched only in part.
    public struct Searched<Hit: Sendable>: Sendable {
        public let hits: [Hit]
        public let partial: [Coverage]
    }

    /// The `k` keywords closest to `query`: plain top-k (as Image2Poem does),
    /// or with `diversity` λ < 1 maximal marginal relevance over the 10·k
    /// closest, so that near-synonyms do not fill the prefix. Always exact
    /// (a vocabulary is small).
    public func keywords(near query: [Float], model: String?, k: Int, diversity: Float? = nil) throws -> [ScoredKeyword] {
        try keywordsSearched(near: query, model: model, k: k, diversity: diversity).hits
    }

    public func keywordsSearched(near query: [Float], model: String?, k: Int,
                                 diversity: Float? = nil) throws -> Searched<ScoredKeyword> {
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
            let keywords = try chosen.map { ScoredKeyword(keyword: try snapshot.id(ofRow: hits[$0].row), score: hits[$0].score) }
            return Searched(hits: keywords, partial: Self.coverage(snapshot))
        }
    }

    /// The `k` poems closest to `query` (IVF when built and `method` allows).
    public func poems(near query: [Float], model: String?, k: Int, method: SearchMethod = .automatic) throws -> [PoemHit] {
        try poemsSearched(near: query, model: model, k: k, method: method).hits
    }

    public func poemsSearched(near query: [Float], model: String?, k: Int,
                              method: SearchMethod = .automatic) throws -> Searched<PoemHit> {
        let c = try handle(BuiltinCollection.poems)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            try Self.check(method, snapshot)
            let hits = try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count),
                                                  k: k, method: method).hits(query: 0)
            let decoder = JSONDecoder()
            let poems = try hits.map { hit in
                let id = try snapshot.id(ofRow: hit.row)
                guard let record = try snapshot.record(id) else {
                    throw PoetryError(.corrupt, "index \(index.path): poem row \(hit.row) names '\(id)', which has no record")
                }
                let poem = try Self.decodePoem(record, decoder, index: index)
                return PoemHit(id: id, score: hit.score, title: poem.title, author: poem.author,
                               dynasty: poem.dynasty, lines: poem.lines)
            }
            return Searched(hits: poems, partial: Self.coverage(snapshot))
        }
    }

    /// The `k` images closest to `query`.
    public func images(near query: [Float], model: String?, k: Int, method: SearchMethod = .automatic) throws -> [ImageHit] {
        try imagesSearched(near: query, model: model, k: k, method: method).hits
    }

    public func imagesSearched(near query: [Float], model: String?, k: Int,
                               method: SearchMethod = .automatic) throws -> Searched<ImageHit> {
        let c = try handle(BuiltinCollection.images)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            try Self.check(method, snapshot)
            let hits = try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count), k: k, method: method)
                .hits(query: 0).map { ImageHit(id: try snapshot.id(ofRow: $0.row), score: $0.score) }
            return Searched(hits: hits, partial: Self.coverage(snapshot))
        }
    }

    /// The `k` images closest to the stored embedding of poem `id`.
    public func images(forPoem id: String, k: Int, method: SearchMethod = .automatic) throws -> [ImageHit] {
        let (vector, model) = try poemVector(id)
        return try images(near: vector, model: model, k: k, method: method)
    }

    /// The stored embedding of poem `id` and the model that made it.
    public func poemVector(_ id: String) throws -> (vector: [Float], model: String) {
        if let problem = RecordID.problem(with: id) {
            throw PoetryError(.badInput, "cannot look up poem \(quoted(id)): \(problem)")
        }
        let c = try handle(BuiltinCollection.poems)
        return try index.read { txn in
            let snapshot = try txn.snapshot(c)
            guard let record = try snapshot.record(id) else {
                throw PoetryError(.notFound, "no poem '\(id)' in index \(index.path)")
            }
            guard let row = record.vectorRow, let model = snapshot.info.model else {
                throw PoetryError(.notReady, "poem '\(id)' has no embedding yet", remedy: .embed)
            }
            return (Array(try snapshot.vector(row: row)), model)
        }
    }

    /// The stored poems with these ids, nil for ids that are not there.
    public func poems(ids: [String]) throws -> [Poem?] {
        for id in ids {
            if let problem = RecordID.problem(with: id) {
                throw PoetryError(.badInput, "cannot look up poem \(quoted(id)): \(problem)")
            }
        }
        let c = try handle(BuiltinCollection.poems)
        return try index.read { txn in
            let snapshot = try txn.snapshot(c)
            let decoder = JSONDecoder()
            return try ids.map { id in try snapshot.record(id).map { try Self.decodePoem($0, decoder, index: index) } }
        }
    }

    /// The handle of a built-in collection (resolved outside transactions).
    private func handle(_ name: String) throws -> Collection {
        guard let c = try index.collection(name) else {
            throw PoetryError(.notReady, "index \(index.path) has no \(name)",
                              remedy: name == BuiltinCollection.images ? .addImages : .importRecords)
        }
        return c
    }

    /// A collection that holds vectors of `model`, or an error saying why not.
    private func embedded(_ txn: ReadTransaction, _ c: Collection, model: String?) throws -> CollectionSnapshot {
        let name = c.name
        let snapshot = try txn.snapshot(c)
        guard snapshot.vectorCount > 0 else {
            throw PoetryError(.notReady, "the \(name) of index \(index.path) have no embeddings",
                              remedy: name == BuiltinCollection.images ? .addImages : .embed)
        }
        if let model { try ModelBinding.check(snapshot.info, identity: model) }
        return snapshot
    }

    /// An explicit nprobe above the collection's lists is a mistake, not a
    /// request for all of them (`automatic` takes what there is).
    static func check(_ method: SearchMethod, _ snapshot: CollectionSnapshot) throws {
        if case .ivf(let nprobe) = method, let lists = snapshot.info.ivf?.lists, nprobe > lists {
            throw PoetryError(.badInput, "nprobe \(nprobe) exceeds the \(lists) IVF lists of collection '\(snapshot.name)'")
        }
    }

    /// The collection as `partial` lists it when some records have no vector.
    static func coverage(_ snapshot: CollectionSnapshot) -> [Coverage] {
        let info = snapshot.info
        guard info.vectorCount < info.recordCount else { return [] }
        return [Coverage(collection: info.name, embedded: info.vectorCount, count: info.recordCount)]
    }

    static func decodePoem(_ record: StoredRecord, _ decoder: JSONDecoder, index: TihuaIndex) throws -> Poem {
        do {
            return try decoder.decode(Poem.self, from: Data(record.document))
        } catch {
            throw PoetryError(.corrupt, "index \(index.path): the stored document of poem '\(record.id)' is not a poem")
        }
    }
}
