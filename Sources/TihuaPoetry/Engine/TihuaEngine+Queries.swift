import TihuaModels
import TihuaSearch
import TihuaStore

extension TihuaEngine {
    /// One line per collection, sorted by name.
    public func stats() throws(PoetryError) -> [CollectionStats] {
        let index = try index()
        return try wrappingErrors {
            try index.collections().map {
                CollectionStats(collection: $0.name, count: $0.recordCount, embedded: $0.vectorCount, dim: $0.dimension,
                                ivf: $0.ivf.map { CollectionStats.IVF(lists: $0.lists) }, model: $0.model,
                                dtype: $0.dtype.rawValue, bytesPerVector: $0.storedBytesPerVector)
            }
        }
    }

    /// The keyword prefix for a query. `embedding`, when given, is the
    /// query's own (see `embed(_:)`) and is used instead of embedding it again.
    public func keywords(_ request: KeywordsRequest, embedding: QueryEmbedding? = nil) throws(PoetryError) -> KeywordsResult {
        try request.validate()
        let poetry = try poetry()
        let (vector, model) = try vector(for: request.query, embedding: embedding)
        let found = try wrappingErrors {
            try poetry.keywordsSearched(near: vector, model: model, k: request.k, diversity: request.diversity)
        }
        return KeywordsResult(keywords: found.hits, partial: found.partial)
    }

    /// The poems nearest a query, or containing a phrase, or passing a
    /// filter (see `PoemsRequest`). `embedding`, when given, is the query's.
    public func poems(_ request: PoemsRequest, embedding: QueryEmbedding? = nil) throws(PoetryError) -> PoemsResult {
        try EngineLimits.check("k", request.k, 1...EngineLimits.maxK)
        let method = try request.method.validated()
        let poetry = try poetry()
        try EngineLimits.check(request.filter)
        if let contains = request.contains { try EngineLimits.checkText("phrase", contains) }
        if request.hybrid, request.query.map({ if case .text = $0 { return false } else { return true } }) ?? true {
            throw PoetryError(.badInput, "hybrid ranking needs a text query")
        }
        guard let query = request.query else {
            guard request.contains != nil || !request.filter.isEmpty else {
                throw PoetryError(.badInput, "a poem query needs an image, a text, a poem, a vector, a phrase or a filter")
            }
            let found = try wrappingErrors {
                try poetry.poemsSearched(PoemQuery(contains: request.contains, filter: request.filter, k: request.k,
                                                   method: method, script: request.script))
            }
            return PoemsResult(results: found.hits, partial: found.partial)
        }
        let (vector, model) = try vector(for: query, embedding: embedding)
        let found = try wrappingErrors {
            if request.isPlain { return try poetry.poemsSearched(near: vector, model: model, k: request.k, method: method) }
            var text: String?
            if case .text(let t) = query { text = t }
            return try poetry.poemsSearched(PoemQuery(vector: vector, model: model, text: text, hybrid: request.hybrid,
                                                      contains: request.contains, filter: request.filter, k: request.k,
                                                      method: method, script: request.script))
        }
        return PoemsResult(results: found.hits, partial: found.partial)
    }

    /// The library images nearest a query (a poem, usually). `embedding`,
    /// when given, is the query's.
    public func images(_ request: ImagesRequest, embedding: QueryEmbedding? = nil) throws(PoetryError) -> ImagesResult {
        try EngineLimits.check("k", request.k, 1...EngineLimits.maxK)
        let method = try request.method.validated()
        let poetry = try poetry()
        let (vector, model) = try vector(for: request.query, embedding: embedding)
        let found = try wrappingErrors { try poetry.imagesSearched(near: vector, model: model, k: request.k, method: method) }
        return ImagesResult(results: found.hits, partial: found.partial)
    }

    /// A poem for a query: keyword prefix → candidates → the best by CLIP
    /// rerank. `embedding`, when given, is the query's.
    public func generate(_ request: GenerateRequest, embedding: QueryEmbedding? = nil) throws(PoetryError) -> GenerateResult {
        try request.validate()
        let poetry = try poetry()
        let clip = try clip.get()
        let generator: PoemWriter.Generator = request.generator == .gpt2 ? .gpt2(try gpt2.get()) : .cento
        var writer = PoemWriter(poetry: poetry, clip: clip.model)
        writer.candidateCount = request.candidates
        writer.keywordCount = request.prefixKeywords
        writer.diversity = request.diversity
        writer.style = GPT2PoemStyle(prompt: request.prompt, form: request.form ?? .quatrain, noRepeat: request.noRepeat, rhyme: request.rhyme,
                                     keywordBias: request.keywordBias ?? GPT2PoemGenerator.defaultKeywordBias)
        try EngineLimits.check(request.filter)
        writer.filter = request.filter
        let result: PoemWriter.Result
        if let keywords = request.keywords {
            let normalized = try normalizedQuery(keywords)
            result = try wrappingErrors { try writer.write(keywords: normalized, generator: generator, seed: request.seed) }
        } else {
            let (vector, _) = try vector(for: request.query, embedding: embedding)
            result = try wrappingErrors { try writer.write(for: vector, generator: generator, seed: request.seed) }
        }
        return GenerateResult(keywords: result.keywords.map(\.keyword), poem: result.poem, candidates: result.candidates,
                              wellFormed: result.wellFormed, partial: result.partial)
    }

    /// The `k` nearest vectors of any collection for each query vector.
    public func search(_ request: SearchRequest) throws(PoetryError) -> SearchResults {
        try EngineLimits.check("k", request.k, 1...EngineLimits.maxK)
        if let n = request.rerank { try EngineLimits.check("rerank", n, 1...EngineLimits.maxK) }
        let method = try request.method.validated()
        let vectors = request.vectors
        guard vectors.count <= EngineLimits.maxSearchResults / request.k else {
            throw PoetryError(.badInput, "\(vectors.count) queries × k \(request.k) exceed the \(EngineLimits.maxSearchResults) results one search returns; send fewer queries at a time")
        }
        let index = try index()
        let name = request.collection
        return try wrappingErrors {
            try Collection.validate(name: name)
            let search = try VectorSearch(index: index, collection: name)
            if case .ivf(let nprobe) = method, let lists = try index.info(of: name)?.ivf?.lists, nprobe > lists {
                throw PoetryError(.badInput, "nprobe \(nprobe) exceeds the \(lists) IVF lists of collection '\(name)'")
            }
            let queries: QueryMatrix
            do {
                queries = try QueryMatrix(vectors.values, dimension: vectors.dimension)
            } catch let error as SearchError {
                throw SearchError(error.kind, vectors.source.map { "\($0): \(error.message)" } ?? error.message)
            }
            let hits = try search.search(queries, k: request.k, method: method, rerank: request.rerank)
            return SearchResults(results: hits.map { $0.map { IDScore(id: $0.id, score: $0.score) } })
        }
    }

    /// The stored poems with these ids (nil where there is none), for showing
    /// what a search found.
    public func poems(ids: [String]) throws(PoetryError) -> [Poem?] {
        let poetry = try poetry()
        return try wrappingErrors { try poetry.poems(ids: ids) }
    }

    /// The L2-normalised embedding of a text or an image; a text is
    /// normalised first as queries are (see `normalizedQuery`).
    public func encode(_ query: Query) throws(PoetryError) -> EncodeResult {
        let embedding = try embed([query])[0].get()
        return EncodeResult(embedding: embedding.vector, model: embedding.model)
    }

    /// The embeddings of several text and image queries, made together: one
    /// forward pass per tower for the whole batch, so that queries arriving
    /// at once cost little more than one. One result per query, in order; a
    /// query that cannot be embedded (a broken JPEG, a vector, a poem) fails
    /// alone. Texts are normalised as queries are; if that fails (the index
    /// cannot be read), every query gets that error, as its search would.
    /// Each embedding equals the one the query gets on its own, within
    /// float rounding.
    public func embed(_ queries: [Query]) -> [Result<QueryEmbedding, PoetryError>] {
        let clip: LoadedCLIP
        var texts: IndexingIterator<[String]>
        do {
            clip = try self.clip.get()
            texts = try normalizedQuery(queries.compactMap { if case .text(let text) = $0 { text } else { nil } })
                .makeIterator()
        } catch {
            return queries.map { _ in .failure(error) }
        }
        let prepared = queries.map { query in if case .text = query { Query.text(texts.next()!) } else { query } }
        return clip.embed(prepared).map { $0.map { QueryEmbedding(vector: $0, model: clip.identity) } }
    }
}
