import Foundation
import TihuaStore

/// Duplicates merged into a poem: stored in `poems.variants` under the
/// poem's sequence and a serial, with their ids in `poems.variant-ids`.
/// A variant is visible when its serial is below the published serial.
enum PoemVariants {
    static func key(sequence: UInt32, serial: UInt32) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { Array($0) } + withUnsafeBytes(of: serial.bigEndian) { Array($0) }
    }

    private static func decodeKey(_ key: UnsafeRawBufferPointer) -> (sequence: UInt32, serial: UInt32)? {
        guard key.count == 8 else { return nil }
        return (UInt32(bigEndian: key.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt32(bigEndian: key.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    }

    private static func decodeTarget(_ value: UnsafeRawBufferPointer) -> (sequence: UInt32, serial: UInt32)? {
        guard value.count == 8 else { return nil }
        return (UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt32(littleEndian: value.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    }

    static func add(id: String, document: [UInt8], to sequence: UInt32, serial: UInt32, tables: PoemTables,
                    in txn: WriteTransaction) throws {
        try txn.put(in: tables.variants, key: key(sequence: sequence, serial: serial), value: document)
        let target = withUnsafeBytes(of: sequence.littleEndian) { Array($0) } + withUnsafeBytes(of: serial.littleEndian) { Array($0) }
        try txn.put(in: tables.variantIDs, key: Array(id.utf8), value: target)
    }

    /// Where variant `id` is stored, if it is a visible variant.
    static func location(id: String, tables: PoemTables, in txn: ReadTransaction,
                         visibleBelow serial: UInt32) throws -> (sequence: UInt32, serial: UInt32)? {
        guard !id.isEmpty, id.utf8.count <= 480 else { return nil }
        guard let target = try txn.withValue(in: tables.variantIDs, key: Array(id.utf8), { $0.flatMap(decodeTarget) }),
              target.serial < serial else { return nil }
        return target
    }

    /// The variant stored under `id`, if any is visible.
    static func variant(id: String, tables: PoemTables, in txn: ReadTransaction, visibleBelow serial: UInt32) throws -> Poem? {
        guard let target = try location(id: id, tables: tables, in: txn, visibleBelow: serial) else { return nil }
        return try txn.withValue(in: tables.variants, key: key(sequence: target.sequence, serial: target.serial)) { value in
            guard let value else { return nil }
            return try JSONDecoder().decode(Poem.self, from: Data(value))
        }
    }

    /// The visible variants of the poem with sequence `sequence`, in the
    /// order they were merged.
    static func variants(of sequence: UInt32, tables: PoemTables, in txn: ReadTransaction,
                         visibleBelow serial: UInt32) throws -> [Poem] {
        var out: [Poem] = []
        let decoder = JSONDecoder()
        try txn.forEachEntry(in: tables.variants, from: key(sequence: sequence, serial: 0)) { key, value in
            guard let k = decodeKey(key), k.sequence == sequence else { return false }
            if k.serial < serial { out.append(try decoder.decode(Poem.self, from: Data(value))) }
            return true
        }
        return out
    }

    /// Removes variant `id`; returns whether it was there.
    static func remove(id: String, tables: PoemTables, in txn: WriteTransaction) throws -> Bool {
        guard !id.isEmpty, id.utf8.count <= 480,
              let target = try txn.withValue(in: tables.variantIDs, key: Array(id.utf8), { $0.flatMap(decodeTarget) }) else {
            return false
        }
        try txn.delete(in: tables.variants, key: key(sequence: target.sequence, serial: target.serial))
        try txn.delete(in: tables.variantIDs, key: Array(id.utf8))
        return true
    }

    /// Removes every variant of poem `sequence` (the poem is deleted).
    static func removeAll(of sequence: UInt32, tables: PoemTables, in txn: WriteTransaction) throws {
        var doomed: [([UInt8], String)] = []
        let decoder = JSONDecoder()
        try txn.forEachEntry(in: tables.variants, from: key(sequence: sequence, serial: 0)) { key, value in
            guard let k = decodeKey(key), k.sequence == sequence else { return false }
            doomed.append((Array(key), (try? decoder.decode(Poem.self, from: Data(value)).id) ?? ""))
            return true
        }
        for (key, id) in doomed {
            try txn.delete(in: tables.variants, key: key)
            if !id.isEmpty { try txn.delete(in: tables.variantIDs, key: Array(id.utf8)) }
        }
    }

    /// Removes variants at or past `serial` (a killed import's).
    static func discard(from serial: UInt32, tables: PoemTables, in txn: WriteTransaction) throws {
        var doomedKeys: [[UInt8]] = []
        try txn.forEachEntry(in: tables.variants) { key, _ in
            if let k = decodeKey(key), k.serial >= serial { doomedKeys.append(Array(key)) }
            return true
        }
        var doomedIDs: [[UInt8]] = []
        try txn.forEachEntry(in: tables.variantIDs) { key, value in
            if let t = decodeTarget(value), t.serial >= serial { doomedIDs.append(Array(key)) }
            return true
        }
        for key in doomedKeys { try txn.delete(in: tables.variants, key: key) }
        for key in doomedIDs { try txn.delete(in: tables.variantIDs, key: key) }
    }
}
