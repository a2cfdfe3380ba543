import Foundation
import TihuaCompute

extension CollectionWriter {
    /// Rewrites the stored vectors in `dtype`, inside this write's one
    /// transaction (readers see the old vectors until it commits; a write
    /// killed before that leaves them as they were). Rows, ids, records and
    /// IVF lists stay as they are. Converting to int8 trains the ranges on
    /// the collection's vectors (int8 to int8 refits them).
    ///
    /// Vectors are only narrowed: float32 → float16 → int8. A collection
    /// with no vectors has nothing to convert, and a compressed collection
    /// cannot take a wider dtype (its original values are gone): both are
    /// `.invalidInput` errors.
    public func convert(to dtype: VectorDType) throws {
        guard let dimension = info.dimension, info.vectorCount > 0 else {
            throw StoreError(.invalidInput, "\(name) has no vectors to convert")
        }
        let from = info.dtype
        guard dtype.bytesPerComponent <= from.bytesPerComponent else {
            throw StoreError(.invalidInput, "\(name) stores \(from.rawValue) vectors and cannot take \(dtype.rawValue): its original values were not kept")
        }
        if dtype == from && dtype != .int8 { return }
        let source = try snapshot.encoding()
        let blocks = try snapshot.encodedBlocks()
        let blockRows = info.blockRows
        var decoded = [Float](repeating: 0, count: blockRows * dimension)
        var target: VectorEncoding
        switch dtype {
        case .float32: target = .float32
        case .float16: target = .float16
        case .int8:
            var trainer = ScalarQuantizer.Trainer(dimension: dimension)
            for block in blocks {
                decoded.withUnsafeMutableBufferPointer { d in
                    source.decode(block.bytes, count: block.rows, dimension: dimension, into: d.baseAddress!)
                    trainer.add(d.baseAddress!, count: block.rows)
                }
            }
            guard let quantizer = trainer.quantizer() else {
                throw StoreError(.corrupt, "index \(path): \(name) holds non-finite vectors")
            }
            target = .sq8(quantizer)
        }
        let rowBytes = dtype.bytesPerComponent * dimension
        for (b, block) in blocks.enumerated() {
            // Each block is read again here, after the writes before it (a
            // pointer into the map does not survive a write that replaces
            // its value), and decoded before it is replaced.
            let old = try snapshot.blockBytes(b, rows: block.rows)
            try decoded.withUnsafeMutableBufferPointer { d in
                source.decode(old, count: block.rows, dimension: dimension, into: d.baseAddress!)
                let size = max(minimumFloatValueBytes, block.rows * rowBytes)
                try txn.reserve(collection.blocks, UInt64(b), size: size, "vector block \(b) of \(name)") { out in
                    out.initializeMemory(as: UInt8.self, repeating: 0)
                    target.encode(d.baseAddress!, count: block.rows, dimension: dimension, into: out.baseAddress!)
                }
            }
        }
        info.dtype = dtype
        if case .sq8(let quantizer) = target {
            info.int8Ranges = Data(quantizer.storageBytes).base64EncodedString()
        } else {
            info.int8Ranges = nil
        }
    }
}
