import Foundation
import TihuaModels
import TihuaStore

/// Embeds every keyword and poem that has no vector yet, in batches that
/// each commit on their own: a killed job loses at most one batch, and the
/// next run continues where it stopped (records with a vector are skipped,
/// so nothing is embedded twice).
public struct EmbedJob {
    public let index: TihuaIndex
    public let model: CLIPModel
    public let modelFolder: String
    public var batchSize = 256
    /// How a collection without vectors yet stores them (nil: as it is).
    public var dtype: VectorDType?

    public init(index: TihuaIndex, model: CLIPModel, modelFolder: String) {
        self.index = index
        self.model = model
        self.modelFolder = modelFolder
    }

    /// `progress(collection, done, total)` after each batch.
    public func run(progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> EmbedSummary {
        // Format-1 poems would be embedded from their unnormalised text.
        if try PoemFormatCheck.state(index).needsUpgrade { throw PoemFormatCheck.upgradeError(index) }
        let keywords = try embed(BuiltinCollection.keywords, progress: progress) { record in
            record.id
        }
        let decoder = JSONDecoder()
        let poems = try embed(BuiltinCollection.poems, progress: progress) { record in
            try PoetryIndex.decodePoem(record, decoder, index: index).embeddingText
        }
        return EmbedSummary(keywords: keywords, poems: poems, model: model.identity)
    }

    /// Embeds the records of `name` that lack a vector; returns how many.
    private func embed(_ name: String, progress: (String, Int, Int) -> Void,
                       text: (StoredRecord) throws -> String) throws -> Int {
        guard let collection = try index.collection(name) else { return 0 }
        let pending: [(id: String, text: String)] = try index.read { txn in
            let snapshot = try txn.snapshot(collection)
            try ModelBinding.check(snapshot.info, identity: model.identity)
            if let d = snapshot.dimension, d != model.dimension {
                throw PoetryError(.wrongModel, "collection '\(name)' holds \(d)-dimensional vectors; the model makes \(model.dimension)")
            }
            if let dtype, snapshot.vectorCount > 0, snapshot.info.dtype != dtype {
                throw PoetryError(.badInput, "collection '\(name)' stores \(snapshot.info.dtype.rawValue) vectors, not \(dtype.rawValue)")
            }
            var pending: [(String, String)] = []
            try snapshot.forEachRecord { record in
                if record.vectorRow == nil { pending.append((record.id, try text(record))) }
                return true
            }
            return pending
        }
        var done = 0
        progress(name, 0, pending.count)
        while done < pending.count {
            let batch = pending[done..<(done + min(max(1, batchSize), pending.count - done))]
            let vectors = try model.encodeTexts(batch.map(\.text)).checkedUnitRows {
                "the embedding of \(name) '\(batch[batch.startIndex + $0].id)'"
            }
            try index.write(collection) { writer in
                try ModelBinding.check(writer.info, identity: model.identity)
                if let dtype { try writer.setDType(dtype) }
                try vectors.withUnsafeBufferPointer {
                    try writer.attachVectors(ids: batch.map(\.id), vectors: $0.baseAddress!, dimension: model.dimension)
                }
                try ModelBinding.record(writer, identity: model.identity, folder: modelFolder)
            }
            done += batch.count
            progress(name, done, pending.count)
        }
        return pending.count
    }
}
