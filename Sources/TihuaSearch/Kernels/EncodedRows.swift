/// A run of consecutive stored rows, `firstRow ..< firstRow + count`, each
/// `bytesPerRow` bytes of one encoding from `base` (a block of the map, an
/// IVF chunk, or memory of the caller's). Valid as long as what it points
/// into.
package struct EncodedRows {
    package let firstRow: Int
    package let count: Int
    package let base: UnsafeRawPointer

    package init(firstRow: Int, count: Int, base: UnsafeRawPointer) {
        self.firstRow = firstRow
        self.count = count
        self.base = base
    }
}
