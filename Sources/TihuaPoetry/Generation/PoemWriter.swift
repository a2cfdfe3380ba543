import Foundation
import TihuaCompute
import TihuaModels
import TihuaSearch
import TihuaStore

/// Image or text → keyword prefix → candidate poems → the best by CLIP
/// rerank; or given keywords → candidates → the best by CLIP similarity to
/// the keywords' text.
public struct PoemWriter {
    public enum Generator: Sendable {
        /// 集句 from the corpus; no language model.
        case cento
        /// A GPT-2 poem model.
        case gpt2(GPT2Model)
    }

    public struct Result: Sendable {
        public let keywords: [ScoredKeyword]
        /// Nil when no candidate was well-formed.
        public let poem: GeneratedPoem?
        /// Candidates generated (before malformed ones were dropped).
        public let candidates: Int
        /// Candidates that were well-formed.
        public let wellFormed: Int
        /// Collections searched only in part (records without vectors).
        public let partial: [Coverage]
    }

    public let poetry: PoetryIndex
    public let clip: CLIPModel
    public var keywordCount = 8
    public var candidateCount = 16
    /// Poems nearest the query whose lines a cento may use.
    public var centoPoolPoems = 300
    public var diversity: Float?
    /// Which poems a cento may take lines from (empty: any).
    public var filter = PoemFilter()
    /// The form and decoding rules of GPT-2 candidates (a cento's lines are
    /// 5 or 7 characters, four lines, lines 2 and 4 rhyming, whatever this says).
    public var style = GPT2PoemStyle()

    public init(poetry: PoetryIndex, clip: CLIPModel) {
        self.poetry = poetry
        self.clip = clip
    }

    /// Writes a poem for the query embedding (an image's, or a text's).
    public func write(for query: [Float], generator: Generator, seed: UInt64) throws -> Result {
        let found = try poetry.keywordsSearched(near: query, model: clip.identity, k: keywordCount, diversity: diversity)
        return try compose(keywords: found.hits, partial: found.partial, query: query, generator: generator, seed: seed)
    }

    /// Writes a poem for given keywords (no image): the query is the CLIP
    /// embedding of the keywords' text ("k1 k2 …"); each keyword's score is
    /// its own similarity to that query.
    public func write(keywords words: [String], generator: Generator, seed: UInt64) throws -> Result {
        let words = words.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !words.isEmpty else { throw PoetryError(.badInput, "generate: no keywords given") }
        let embeddings = try clip.encodeTexts([words.joined(separator: " ")] + words)
        let query = Array(embeddings.row(0))
        let scored = words.indices.map { i in
            ScoredKeyword(keyword: words[i], score: VectorMath.dot(Array(embeddings.row(i + 1)), query, query.count))
        }
        return try compose(keywords: scored, partial: [], query: query, generator: generator, seed: seed)
    }

    private func compose(keywords: [ScoredKeyword], partial: [Coverage], query: [Float], generator: Generator,
                         seed: UInt64) throws -> Result {
        var partial = partial
        let words = keywords.map(\.keyword)
        var form = PoemForm.quatrain
        let candidates: [GeneratedPoem]
        switch generator {
        case .cento:
            let searched = filter.isEmpty
                ? try poetry.poemsSearched(near: query, model: clip.identity, k: centoPoolPoems)
                : try poetry.poemsSearched(PoemQuery(vector: query, model: clip.identity, filter: filter, k: centoPoolPoems))
            partial += searched.partial
            let pool = searched.hits.flatMap { hit in
                hit.poem.normalizedLines.map {
                    CentoGenerator.Line(text: $0, source: LineSource(id: hit.id, title: hit.title, author: hit.author),
                                        poemScore: hit.score)
                }
            }
            let rhymes = try RhymeTable.stored(in: poetry.index)
            candidates = CentoGenerator(rhymes: rhymes).compose(from: pool, keywords: words, count: candidateCount, seed: seed)
        case .gpt2(let model):
            let rhymes = style.rhyme ? try RhymeTable.stored(in: poetry.index) : RhymeTable()
            candidates = try style.generator(model: model, rhymes: rhymes).candidates(keywords: words, count: candidateCount, seed: seed)
            form = style.form
        }
        let ranked = try Reranker(clip: clip).rank(candidates, query: query, form: form)
        return Result(keywords: keywords, poem: ranked.first, candidates: candidates.count, wellFormed: ranked.count,
                      partial: partial)
    }
}
