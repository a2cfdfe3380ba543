import Foundation
import TihuaStore

/// Deletes poems by id in one transaction, with what is kept beside them:
/// their phrase-index entries, duplicate key, merged variants and their
/// share of the rhyme table. An id of a merged variant deletes that variant
/// only.
public enum PoemDeletion {
    public struct Summary: Codable, Sendable, Equatable {
        public var deleted = 0
        public var missing = 0
    }

    public static func delete(_ ids: [String], from index: TihuaIndex) throws -> Summary {
        guard let c = try index.collection(BuiltinCollection.poems) else { return Summary(missing: ids.count) }
        if try PoemFormatCheck.state(index).needsUpgrade { throw PoemFormatCheck.upgradeError(index) }
        let tables = try PoemTables.open(index, create: true)!
        let stored = try RhymeTable.stored(in: index)
        return try index.write(c) { writer in
            var summary = Summary()
            var rhymes = stored
            let decoder = JSONDecoder()
            for id in ids {
                if RecordID.problem(with: id) == nil, let record = try writer.snapshot.record(id) {
                    let poem = try decoder.decode(Poem.self, from: Data(record.document))
                    if record.sequence < UInt64(UInt32.max) {
                        let sequence = UInt32(record.sequence)
                        try TextIndexMaintenance.remove(poem, sequence: sequence, tables: tables, in: writer.transaction)
                        try PoemVariants.removeAll(of: sequence, tables: tables, in: writer.transaction)
                    }
                    try writer.delete(id)
                    rhymes.remove(lines: poem.normalizedLines)
                    summary.deleted += 1
                } else if try PoemVariants.remove(id: id, tables: tables, in: writer.transaction) {
                    summary.deleted += 1
                } else {
                    summary.missing += 1
                }
            }
            try writer.setAttachment(RhymeTable.attachmentName, rhymes.encoded())
            return summary
        }
    }
}
