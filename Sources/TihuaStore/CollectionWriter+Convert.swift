import Foundation
import TihuaCompute

extension CollectionWriter {
    /// Rewrites the stored vectors in `dtype`, inside this write's one
    /// transaction (readers see the old vectors until it commits; a write
    /// killed before that leaves them as they were). Rows, ids, records and
    /// IVF list membership stay as they are; the lists' vectors are rewritten
    /// in the new dtype in the same transaction. Converting to int8 trains the ranges on
    /// the collection's vectors (int8 to int8 refits them).
    ///
    /// The new vectors are encoded from the float32 copies when the
    /// collection keeps them, else from the stored vectors; so a compressed
    /// collection without copies is only narrowed (float32 → float16 →
    /// int8): it cannot take a wider dtype, whose values are gone.
    /// `keepFloat32` (from float32 only, or when copies exist already)
    /// keeps float32 copies beside the compressed vectors; false drops them.
    /// A collection with no vectors has nothing to convert. Both are
    /// `.invalidInput` errors.
    public func convert(to dtype: VectorDType, keepFloat32: Bool? = nil) throws {
        guard let dimension = info.dimension, info.vectorCount > 0 else {
            throw StoreError(.invalidInput, "\(name) has no vectors to convert")
        }
        let from = info.dtype
        let hadCopies = info.hasFloat32Copy
        let exactSource = from == .float32 || hadCopies
        guard exactSource || dtype.bytesPerComponent <= from.bytesPerComponent else {
            throw StoreError(.invalidInput, "\(name) stores \(from.rawValue) vectors and cannot take \(dtype.rawValue): its original values were not kept")
        }
        let keep = dtype != .float32 && (keepFloat32 ?? hadCopies)
        if keep && !exactSource {
            throw StoreError(.invalidInput, "\(name) stores \(from.rawValue) vectors without float32 copies; there are none to keep")
        }
        if dtype == from && dtype != .int8 && keep == hadCopies { return }

        // Where the float32 rows come from: the copies, or the blocks decoded.
        let source: VectorEncoding = hadCopies ? .float32 : try snapshot.encoding()
        let sourceBase: UInt64 = hadCopies ? float32CopyKeyBase : 0
        let sourceRowBytes = source.bytesPerRow(dimension: dimension)
        let blockRows = info.blockRows
        let blockCount = (info.vectorCount + blockRows - 1) / blockRows
        func rows(_ b: Int) -> Int { min(blockRows, info.vectorCount - b * blockRows) }
        var decoded = [Float](repeating: 0, count: blockRows * dimension)

        let target: VectorEncoding
        switch dtype {
        case .float32: target = .float32
        case .float16: target = .float16
        case .int8:
            var trainer = ScalarQuantizer.Trainer(dimension: dimension)
            for b in 0..<blockCount {
                let bytes = try snapshot.blockBytes(b, rows: rows(b), keyBase: sourceBase, rowBytes: sourceRowBytes)
                decoded.withUnsafeMutableBufferPointer { d in
                    source.decode(bytes, count: rows(b), dimension: dimension, into: d.baseAddress!)
                    trainer.add(d.baseAddress!, count: rows(b))
                }
            }
            guard let quantizer = trainer.quantizer() else {
                throw StoreError(.corrupt, "index \(path): \(name) holds non-finite vectors")
            }
            target = .sq8(quantizer)
        }
        let rowBytes = dtype.bytesPerComponent * dimension
        for b in 0..<blockCount {
            // Each block is read again here, after the writes before it (a
            // pointer into the map does not survive a write that replaces
            // its value), and decoded before anything replaces it.
            let bytes = try snapshot.blockBytes(b, rows: rows(b), keyBase: sourceBase, rowBytes: sourceRowBytes)
            try decoded.withUnsafeMutableBufferPointer { d in
                source.decode(bytes, count: rows(b), dimension: dimension, into: d.baseAddress!)
                if keep && !hadCopies {
                    // From float32: the current rows become the copies.
                    let key = float32CopyKeyBase + UInt64(b)
                    try txn.reserve(collection.blocks, key, size: max(minimumFloatValueBytes, rows(b) * dimension * 4),
                                    "vector block \(key) of \(name)") { out in
                        out.initializeMemory(as: UInt8.self, repeating: 0)
                        out.copyMemory(from: UnsafeRawBufferPointer(start: d.baseAddress!, count: rows(b) * dimension * 4))
                    }
                }
                let size = max(minimumFloatValueBytes, rows(b) * rowBytes)
                try txn.reserve(collection.blocks, UInt64(b), size: size, "vector block \(b) of \(name)") { out in
                    out.initializeMemory(as: UInt8.self, repeating: 0)
                    target.encode(d.baseAddress!, count: rows(b), dimension: dimension, into: out.baseAddress!)
                }
            }
        }
        // The lists take the new blocks' bytes: the same codes, the same membership.
        try ivfRecode(to: dtype, rowBytes: rowBytes)
        info.dtype = dtype
        info.keepsFloat32 = keep ? true : nil
        if case .sq8(let quantizer) = target {
            info.int8Ranges = Data(quantizer.storageBytes).base64EncodedString()
        } else {
            info.int8Ranges = nil
        }
        if hadCopies && !keep { try trimBlocks(dimension: dimension) }
    }
}
