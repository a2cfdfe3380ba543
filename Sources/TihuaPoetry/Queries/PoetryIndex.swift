import Foundation
import TihuaSearch
import TihuaStore

/// A keyword and its cosine similarity to the query.
public struct ScoredKeyword: Codable, Sendable, Equatable {
    public let keyword: String
    public let score: Float
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
        let tables = try PoemTables.open(index, create: false)
        return try index.read { txn in
            let snapshot = try embedded(txn, c, model: model)
            try Self.check(method, snapshot)
            let hits = try VectorSearch.neighbors(snapshot, try QueryMatrix(query, dimension: query.count),
                                                  k: k, method: method).hits(query: 0)
            let reader = try PoemReader(snapshot, tables: tables, index: index)
            let poems = try hits.map { hit in
                let id = try snapshot.id(ofRow: hit.row)
                guard let record = try snapshot.record(id) else {
                    throw PoetryError(.corrupt, "index \(index.path): poem row \(hit.row) names '\(id)', which has no record")
                }
                return try reader.hit(record, score: hit.score)
            }
            return Searched(hits: poems, partial: Self.coverage(snapshot))
        }
    }

    /// `text` normalised as the index's poems were (OpenCC, the profile the
    /// poems were imported with): a text query is embedded in this form, so
    /// that it meets the poems' normalised embeddings.
    public func normalizedQuery(_ text: String) throws -> String {
        try ScriptConverter.shared(profile: try PoemFormatCheck.queryProfile(index)).convert(text)
    }

    /// Poems for `query` (see `PoemQuery`).
    public func poems(_ query: PoemQuery) throws -> [PoemHit] {
        try poemsSearched(query).hits
    }

    public func poemsSearched(_ query: PoemQuery) throws -> Searched<PoemHit> {
        guard query.k >= 1 else { throw PoetryError(.badInput, "k must be at least 1 (got \(query.k))") }
        let profile = try PoemFormatCheck.queryProfile(index)
        let converter = try ScriptConverter.shared(profile: profile)
        var phrase: PhraseQuery?
        if let text = query.contains {
            guard let p = try PhraseQuery(text, converter: converter) else {
                throw PoetryError(.badInput, "the phrase \(quoted(text)) holds no character to look for")
            }
            phrase = p
        }
        if query.vector == nil && phrase == nil && query.filter.isEmpty {
            throw PoetryError(.badInput, "a poem query needs an image, a text, a phrase or a filter")
        }
        if query.hybrid && (query.vector == nil || query.text == nil) {
            throw PoetryError(.badInput, "hybrid ranking needs a text query")
        }
        let c = try handle(BuiltinCollection.poems)
        guard let tables = try PoemTables.open(index, create: false) else { return Searched(hits: [], partial: []) }
        return try index.read { txn in
            let snapshot = query.vector == nil ? try txn.snapshot(c) : try embedded(txn, c, model: query.model)
            let reader = try PoemReader(snapshot, tables: tables, index: index)
            let selection = try PoemSelection(snapshot: snapshot, tables: tables, reader: reader, converter: converter)
                .sequences(filter: query.filter, phrase: phrase)
            var ranked: [(record: StoredRecord, score: Float)] = []
            if let vector = query.vector {
                try Self.check(query.method, snapshot)
                let pool = query.hybrid ? min(max(4 * query.k, 100), 1_000) : query.k
                let queries = try QueryMatrix(vector, dimension: vector.count)
                let neighbors: Neighbors
                if let selection {
                    let rows = try SequenceRows.rows(of: selection, in: snapshot, index: index)
                    neighbors = try FilteredSearch.search(snapshot, queries: queries, k: pool,
                                                          filter: RowFilter(rows: rows, rowCount: snapshot.vectorCount),
                                                          method: query.method)
                } else {
                    neighbors = try VectorSearch.neighbors(snapshot, queries, k: pool, method: query.method)
                }
                let near = try neighbors.hits(query: 0).map { hit -> (record: StoredRecord, score: Float) in
                    let id = try snapshot.id(ofRow: hit.row)
                    guard let record = try snapshot.record(id) else {
                        throw PoetryError(.corrupt, "index \(index.path): poem row \(hit.row) names '\(id)', which has no record")
                    }
                    return (record, hit.score)
                }
                if query.hybrid, let text = query.text {
                    let lexical = try LexicalRanker(snapshot: snapshot, tables: tables)
                        .rank(text, converter: converter, allowed: selection, limit: pool)
                    ranked = try Self.fuse(near.map(\.record), lexical, snapshot: snapshot, k: query.k)
                } else {
                    ranked = Array(near.prefix(query.k))
                }
            } else {
                for sequence in selection ?? [] {
                    guard let record = try snapshot.record(sequence: UInt64(sequence)) else { continue }
                    ranked.append((record, 1))
                    if ranked.count == query.k { break }
                }
            }
            let hits = try ranked.map { item in
                let poem = try reader.poem(item.record)
                return try reader.hit(item.record, poem: poem, score: item.score, script: query.script, profile: profile,
                                      spans: phrase?.matches(in: poem.normalizedLines) ?? [])
            }
            return Searched(hits: hits, partial: query.vector == nil ? [] : Self.coverage(snapshot))
        }
    }

    /// Reciprocal rank fusion of a vector ranking (records, best first) and
    /// a lexical one (sequences, best first): `Σ 1/(60 + rank)`, ties in
    /// corpus order.
    static func fuse(_ near: [StoredRecord], _ lexical: [UInt32], snapshot: CollectionSnapshot,
                     k: Int) throws -> [(record: StoredRecord, score: Float)] {
        var fused: [UInt64: (record: StoredRecord?, score: Double)] = [:]
        for (rank, record) in near.enumerated() {
            fused[record.sequence, default: (record, 0)].score += 1 / (PoemQuery.fusionConstant + Double(rank + 1))
        }
        for (rank, sequence) in lexical.enumerated() {
            fused[UInt64(sequence), default: (nil, 0)].score += 1 / (PoemQuery.fusionConstant + Double(rank + 1))
        }
        let best = fused.sorted { $0.value.score > $1.value.score || ($0.value.score == $1.value.score && $0.key < $1.key) }
        var out: [(record: StoredRecord, score: Float)] = []
        for (sequence, entry) in best {
            guard let record = try entry.record ?? snapshot.record(sequence: sequence) else { continue }
            out.append((record, Float(entry.score)))
            if out.count == k { break }
        }
        return out
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
