import Foundation
import TihuaModels
import TihuaSearch
import TihuaStore

/// Image → keyword prefix → candidate poems → the best by CLIP rerank.
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

    public init(poetry: PoetryIndex, clip: CLIPModel) {
        self.poetry = poetry
        self.clip = clip
    }

    /// Writes a poem for the query embedding (an image's, or a text's).
    public func write(for query: [Float], generator: Generator, seed: UInt64) throws -> Result {
        let found = try poetry.keywordsSearched(near: query, model: clip.identity, k: keywordCount, diversity: diversity)
        let keywords = found.hits
        var partial = found.partial
        let words = keywords.map(\.keyword)
        let candidates: [GeneratedPoem]
        switch generator {
        case .cento:
            let searched = try poetry.poemsSearched(near: query, model: clip.identity, k: centoPoolPoems)
            partial += searched.partial
            let pool = searched.hits.flatMap { hit in
                hit.lines.map {
                    CentoGenerator.Line(text: $0, source: LineSource(id: hit.id, title: hit.title, author: hit.author),
                                        poemScore: hit.score)
                }
            }
            let rhymes = try RhymeTable.stored(in: poetry.index)
            candidates = CentoGenerator(rhymes: rhymes).compose(from: pool, keywords: words, count: candidateCount, seed: seed)
        case .gpt2(let model):
            candidates = try GPT2PoemGenerator(model: model).candidates(keywords: words, count: candidateCount, seed: seed)
        }
        let ranked = try Reranker(clip: clip).rank(candidates, query: query)
        return Result(keywords: keywords, poem: ranked.first, candidates: candidates.count, wellFormed: ranked.count,
                      partial: partial)
    }
}
