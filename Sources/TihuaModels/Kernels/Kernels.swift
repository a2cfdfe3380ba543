import TihuaCompute

/// Forward-pass building blocks over flat, row-major float32 buffers, in the
/// style of llm.c: N rows (the tokens of a whole batch), C channels, shapes
/// written above each function. The towers and GPT-2 are sequences of these.
public enum Kernels {
    /// Below this many elements an element-wise pass runs on one core: the
    /// hand-off costs more than the work.
    static let parallelThreshold = 1 << 15

    /// Runs `body` over row ranges of `rows` rows of `width` floats, on the
    /// threads of a forward pass (`ComputeBudget`) when the pass is large enough.
    static func forEachRowRange(rows: Int, width: Int, _ body: (Range<Int>) -> Void) {
        let parts = rows * width >= parallelThreshold ? ComputeBudget.threadsPerPass : 1
        Parallel.forEachChunk(count: rows, parts: parts) { _, range in body(range) }
    }
}
