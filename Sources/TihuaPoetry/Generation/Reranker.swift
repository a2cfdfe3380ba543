import TihuaCompute
import TihuaModels

/// Orders candidate poems as the seed does: malformed ones (wrong line
/// count, unequal or non-5/7 line lengths) are dropped, the rest ranked by
/// the CLIP similarity between the poem's text and the query (the image, or
/// the keywords' text).
public struct Reranker {
    public let clip: CLIPModel

    public init(clip: CLIPModel) { self.clip = clip }

    /// Well-formed candidates (of `form`), best first, each with its score.
    public func rank(_ candidates: [GeneratedPoem], query: [Float], form: PoemForm = .quatrain) throws -> [GeneratedPoem] {
        var kept = candidates.filter { form.admits($0) }
        guard !kept.isEmpty else { return [] }
        guard query.count == clip.dimension else {
            throw PoetryError(.badInput, "rerank: the query has dimension \(query.count), the model \(clip.dimension)")
        }
        let embeddings = try clip.encodeTexts(kept.map(\.text))
        var q = query
        q.withUnsafeMutableBufferPointer { _ = VectorMath.normalize($0.baseAddress!, $0.count) }
        for i in kept.indices {
            let row = Array(embeddings.row(i))
            kept[i].score = VectorMath.dot(row, q, q.count)
        }
        // Stable: equal scores keep the generator's order.
        return kept.enumerated().sorted { ($0.element.score!, -$0.offset) > ($1.element.score!, -$1.offset) }.map(\.element)
    }
}
