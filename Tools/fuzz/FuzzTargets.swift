import TihuaFormats
import TihuaStore

/// The parsers of outside input that TihuaStore and TihuaFormats own, fed
/// arbitrary bytes. The first byte picks the parser; each must return or
/// throw its own error type, never trap, hang or touch memory it should not.
enum FuzzTargets {
    static func run(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let bytes = Array(input.dropFirst())
        func read(_ offset: Int, _ count: Int) -> [UInt8] {
            offset >= bytes.count ? [] : Array(bytes[offset..<min(bytes.count, offset + count)])
        }
        switch selector % 4 {
        case 0:
            // A .npy header (and the data size it implies).
            do {
                let header = try NPYHeader.parse(fileSize: bytes.count, path: "fuzz.npy", read: read)
                precondition(header.rows >= 0 && header.columns > 0 && header.dataOffset <= bytes.count)
                precondition(header.rows * header.columns * header.type.size == bytes.count - header.dataOffset)
            } catch is FormatError {}
            catch { preconditionFailure("NPY header threw \(error)") }
        case 1:
            // An ids file.
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            do {
                let ids = try IDList.parse(text, path: "fuzz.ids")
                precondition(ids.allSatisfy { RecordID.problem(with: $0) == nil })
                precondition(Set(ids).count == ids.count)
            } catch is FormatError {}
            catch { preconditionFailure("ids file threw \(error)") }
        case 2:
            // LMDB's meta pages, checked before liblmdb opens a data.mdb.
            do {
                let file = try LMDBDataFile.inspect(fileSize: { bytes.count }, read: read)
                precondition(file.requiredBytes <= bytes.count && file.pageSize >= 512)
            } catch {}
        default:
            // A collection's metadata document.
            do {
                let info = try CollectionInfo.decode(bytes, name: "c", index: "fuzz")
                precondition(info.name == "c" && info.vectorCount <= info.recordCount)
                if let d = info.dimension { precondition(d >= 1 && info.blockRows >= 1) }
            } catch let error as StoreError {
                precondition(error.kind == .corrupt)
            } catch { preconditionFailure("metadata threw \(error)") }
        }
    }
}
