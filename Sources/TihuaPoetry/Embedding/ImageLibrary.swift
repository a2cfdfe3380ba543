import Foundation
import TihuaModels
import TihuaStore

/// Adds JPEG photos to the `images` collection: decoded and preprocessed on
/// all cores, embedded in batches, each batch committed on its own. A file
/// that cannot be read is reported and skipped, not fatal. An image's id is
/// its absolute path.
///
/// Resumable, not all or nothing: a run that is killed keeps the batches it
/// committed, and running it again adds the rest (files already in the
/// collection are counted as duplicates and not decoded again).
public struct ImageLibrary {
    public let index: TihuaIndex
    public let model: CLIPModel
    public let modelFolder: String
    public let input: CLIPImageInput
    public var batchSize = 16

    public init(index: TihuaIndex, model: CLIPModel, modelFolder: String) throws {
        self.init(index: index, model: model, modelFolder: modelFolder,
                  input: try CLIPImageInput(modelFolder: modelFolder, model: model))
    }

    /// With the folder's preprocessing already read.
    public init(index: TihuaIndex, model: CLIPModel, modelFolder: String, input: CLIPImageInput) {
        self.index = index
        self.model = model
        self.modelFolder = modelFolder
        self.input = input
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var added = 0
        /// Files already in the collection.
        public var duplicates = 0
        public var failed = 0
        /// "PATH: reason" for each file that could not be read.
        public var failures: [String] = []

        enum CodingKeys: String, CodingKey { case added, duplicates, failed }
    }

    /// JPEG files under `paths` (folders recursively: .jpg/.jpeg, any
    /// case), as absolute paths, with what was skipped and why (see `FileWalk`:
    /// non-regular files, paths unfit for an id).
    public static func expand(_ paths: [String]) throws -> FileWalk.Result {
        try FileWalk(extensions: ["jpg", "jpeg"], maxPathBytes: RecordID.maxBytes, absolute: true).expand(paths)
    }

    /// `progress(done, total)` after each batch.
    public func add(_ paths: [String], progress: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        let walk = try Self.expand(paths)
        let files = walk.files
        let collection = try index.prepareCollection(BuiltinCollection.images)
        if let info = try index.info(of: BuiltinCollection.images) {
            try ModelBinding.check(info, identity: model.identity)
        }
        var summary = Summary()
        summary.failed = walk.skipped.count
        summary.failures = walk.skipped.map(\.description)
        var seen = Set<String>()
        let known: Set<String> = try index.collection(BuiltinCollection.images).map { c in
            try index.read { txn in
                let snapshot = try txn.snapshot(c)
                return Set(try files.filter { try snapshot.record($0) != nil })
            }
        } ?? []
        let fresh = files.filter { file in
            if known.contains(file) || !seen.insert(file).inserted { summary.duplicates += 1; return false }
            return true
        }
        var done = 0
        progress(0, fresh.count)
        while done < fresh.count {
            let batch = Array(fresh[done..<(done + min(max(1, batchSize), fresh.count - done))])
            var ids: [String] = []
            var pixels: [Float] = []
            for (file, result) in zip(batch, input.pixelValues(files: batch)) {
                switch result {
                case .success(let values):
                    ids.append(file)
                    pixels += values
                case .failure(let error):
                    summary.failed += 1
                    summary.failures.append(error.message)
                }
            }
            if !ids.isEmpty {
                let vectors = try model.encodeImages(pixelValues: pixels, count: ids.count)
                    .checkedUnitRows { "the embedding of image \(ids[$0])" }
                try index.write(collection) { writer in
                    try ModelBinding.check(writer.info, identity: model.identity)
                    try vectors.withUnsafeBufferPointer {
                        try writer.addVectors(ids: ids, vectors: $0.baseAddress!, dimension: model.dimension)
                    }
                    try ModelBinding.record(writer, identity: model.identity, folder: modelFolder)
                }
                summary.added += ids.count
            }
            done += batch.count
            progress(done, fresh.count)
        }
        return summary
    }
}
