import TihuaModels
import TihuaStore

extension Embeddings {
    /// The rows as unit vectors ready to store; a NaN, infinite or zero row
    /// (a broken model file) is an error naming the item through `describe`.
    func checkedUnitRows(describe: (Int) -> String) throws -> [Float] {
        var rows = values
        try rows.withUnsafeMutableBufferPointer {
            try VectorCheck.normalizeRows($0.baseAddress!, count: count, dimension: dimension, describe: describe)
        }
        return rows
    }
}
