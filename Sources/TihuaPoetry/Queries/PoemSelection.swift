import Foundation
import TihuaStore

/// The poems a filter and a phrase leave, as ascending sequences (corpus
/// order), found through the facet and bigram postings and checked against
/// the text where the postings alone cannot tell.
struct PoemSelection {
    let snapshot: CollectionSnapshot
    let tables: PoemTables
    let reader: PoemReader
    let converter: ScriptConverter

    /// The sequences passing `filter` and containing `phrase` (nil: every
    /// poem, when there is neither).
    func sequences(filter: PoemFilter, phrase: PhraseQuery?) throws -> [UInt32]? {
        let txn = snapshot.transaction
        let limit = UInt32(clamping: snapshot.info.nextSequence)
        var lists: [[UInt32]] = []
        func facet(_ f: Facet) throws -> [UInt32] {
            try txn.withValue(in: tables.facets, key: f.key) { $0.map { Postings.decode($0, below: limit) } ?? [] }
        }
        if !filter.dynasties.isEmpty {
            let names = Set(filter.dynasties.compactMap { Dynasty.normalize($0) })
            lists.append(Postings.union(try names.map { try facet(.dynasty($0)) }))
        }
        if let author = filter.author {
            let name = try converter.convert(author.trimmingCharacters(in: .whitespaces))
            lists.append(name.isEmpty ? [] : try facet(.author(name)))
        }
        if let form = filter.form { lists.append(try facet(.form(form))) }
        var title: PhraseQuery?
        if let text = filter.titleContains {
            guard let t = try PhraseQuery(text, converter: converter) else { return [] }
            title = t
            lists.append(try t.candidates(.title, tables: tables, in: txn, below: limit))
        }
        if let phrase { lists.append(try phrase.candidates(.line, tables: tables, in: txn, below: limit)) }
        guard !lists.isEmpty else { return nil }
        let candidates = Postings.intersect(lists)
        let checkTitle = title.map { !$0.isExactByGrams } ?? false
        let checkPhrase = phrase.map { !$0.isExactByGrams } ?? false
        guard checkTitle || checkPhrase else { return candidates }
        return try candidates.filter { sequence in
            guard let record = try snapshot.record(sequence: UInt64(sequence)) else { return false }
            let poem = try reader.poem(record)
            if checkTitle, title!.matches(in: [poem.normalizedTitle ?? ""]).isEmpty { return false }
            if checkPhrase, phrase!.matches(in: poem.normalizedLines).isEmpty { return false }
            return true
        }
    }
}
