/// An owned, zero-initialised float buffer: the activations of one forward
/// pass. Freed when the pass is over.
package final class FloatBuffer {
    package let pointer: UnsafeMutablePointer<Float>
    package let count: Int

    package init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    /// A copy of `count` values starting at `offset`.
    package func array(from offset: Int = 0, count n: Int? = nil) -> [Float] {
        let n = n ?? (count - offset)
        return Array(UnsafeBufferPointer(start: pointer + offset, count: n))
    }
}
