import Foundation
import TihuaModels
import TihuaStore

/// Which model a collection's vectors came from. The identity is recorded in
/// the collection's metadata when it is first embedded; vectors or queries
/// from another model are refused (their spaces do not compare). The model
/// folder is remembered too, so that later queries need not name it.
public enum ModelBinding {
    static let folderAttachment = "model-folder"

    /// Throws unless `collection` is unembedded or was embedded by `identity`.
    public static func check(_ info: CollectionInfo, identity: String) throws {
        guard let recorded = info.model, info.vectorCount > 0 else { return }
        guard recorded == identity else {
            throw PoetryError(.wrongModel, "collection '\(info.name)' was embedded with model \(recorded), not with \(identity) (the given model); use that model, or re-import into a new index")
        }
    }

    /// The model folder recorded for the index's poems or keywords, if any.
    public static func recordedFolder(in index: TihuaIndex) throws -> String? {
        for name in [BuiltinCollection.poems, BuiltinCollection.keywords, BuiltinCollection.images] {
            guard let c = try index.collection(name) else { continue }
            let folder = try index.read { txn in
                try txn.snapshot(c).attachment(folderAttachment).map { String(decoding: $0, as: UTF8.self) }
            }
            if let folder { return folder }
        }
        return nil
    }

    /// Records `model` (identity and absolute folder) on a collection being written.
    static func record(_ writer: CollectionWriter, identity: String, folder: String) throws {
        writer.setModel(identity)
        try writer.setAttachment(folderAttachment, Array(absolutePath(folder).utf8))
    }
}
