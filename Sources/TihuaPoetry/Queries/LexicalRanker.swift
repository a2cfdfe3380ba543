import Foundation
import TihuaStore

/// Ranks poems by the character bigrams they share with a text, for the
/// lexical half of a hybrid query: each bigram of the (normalised) text
/// that a poem's lines hold adds its inverse document frequency
/// (BM25's idf, `ln(1 + (N − df + ½) / (df + ½))`; presence only, as the
/// index stores no counts). Ties go to corpus order.
struct LexicalRanker {
    let snapshot: CollectionSnapshot
    let tables: PoemTables

    /// Up to `limit` sequences, best first, among `allowed` (nil: all).
    func rank(_ text: String, converter: ScriptConverter, allowed: [UInt32]?, limit: Int) throws -> [UInt32] {
        let normalized = try converter.convert(text)
        var codes: [UInt64] = []
        var previous: UInt32?
        for s in normalized.unicodeScalars {
            if PhraseQuery.isBoundary(s) || PoemText.isSeparator(s) { previous = nil; continue }
            if let p = previous { codes.append(Gram.code(.line, p, s.value)) }
            previous = s.value
        }
        codes = Array(Set(codes)).sorted()
        let txn = snapshot.transaction
        let limitSequence = UInt32(clamping: snapshot.info.nextSequence)
        let total = Double(max(1, snapshot.info.recordCount))
        var scores: [UInt32: Double] = [:]
        let allowedSet = allowed.map(Set.init)
        for code in codes {
            let postings = try txn.withValue(in: tables.grams, key: Gram.key(code)) {
                $0.map { Postings.decode($0, below: limitSequence) } ?? []
            }
            guard !postings.isEmpty else { continue }
            let df = Double(postings.count)
            let idf = log(1 + (total - df + 0.5) / (df + 0.5))
            for s in postings where allowedSet?.contains(s) ?? true { scores[s, default: 0] += idf }
        }
        return scores.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit).map(\.key)
    }
}
