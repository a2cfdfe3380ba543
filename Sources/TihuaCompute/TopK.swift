/// A bounded selection of the `k` best (score, row) candidates.
///
/// "Better" means a higher score, and for equal scores the lower row, so
/// results are deterministic whatever order candidates arrive in. A binary
/// heap keeps the worst kept candidate at the root; scans compare each score
/// with `threshold` first and call `insert` only for the rare candidate that
/// may enter. The stored properties are read-only outside this type.
package struct TopK: Sendable {
    package let k: Int
    package var scores: [Float]
    package var rows: [Int]
    package var count = 0
    /// A score below this cannot enter (−∞ until k candidates are kept).
    package var threshold: Float = -.infinity

    @inlinable
    package init(k: Int) {
        precondition(k > 0)
        self.k = k
        scores = [Float](repeating: 0, count: k)
        rows = [Int](repeating: 0, count: k)
    }

    /// Whether (a, ra) ranks below (b, rb).
    @inlinable
    package static func worse(_ a: Float, _ ra: Int, _ b: Float, _ rb: Int) -> Bool {
        a < b || (a == b && ra > rb)
    }

    /// Offers a candidate; it is kept if fewer than k are kept or if it beats
    /// the worst kept one.
    @inlinable
    package mutating func insert(_ score: Float, _ row: Int) {
        if count < k {
            siftUp(score, row)
        } else if Self.worse(scores[0], rows[0], score, row) {
            replaceRoot(score, row)
        }
    }

    @inlinable mutating func siftUp(_ score: Float, _ row: Int) {
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.worse(score, row, scores[parent], rows[parent]) else { break }
            scores[i] = scores[parent]; rows[i] = rows[parent]
            i = parent
        }
        scores[i] = score; rows[i] = row
        if count == k { threshold = scores[0] }
    }

    @inlinable mutating func replaceRoot(_ score: Float, _ row: Int) {
        var i = 0
        while true {
            let l = 2 * i + 1
            if l >= count { break }
            var child = l
            if l + 1 < count && Self.worse(scores[l + 1], rows[l + 1], scores[l], rows[l]) { child = l + 1 }
            guard Self.worse(scores[child], rows[child], score, row) else { break }
            scores[i] = scores[child]; rows[i] = rows[child]
            i = child
        }
        scores[i] = score; rows[i] = row
        threshold = scores[0]
    }

    /// Offers `count` consecutive scores of rows `firstRow…`; only a score
    /// reaching the current threshold calls into the heap.
    @inlinable
    package mutating func offer(_ scores: UnsafePointer<Float>, count: Int, firstRow: Int) {
        var threshold = self.threshold
        var i = 0
        // Eight scores at a time: most groups hold none that can enter.
        while i + 8 <= count {
            let p = scores + i
            let best = max(max(max(p[0], p[1]), max(p[2], p[3])), max(max(p[4], p[5]), max(p[6], p[7])))
            if best >= threshold {
                for j in i..<(i + 8) where scores[j] >= threshold {
                    insert(scores[j], firstRow + j)
                    threshold = self.threshold
                }
            }
            i += 8
        }
        while i < count {
            if scores[i] >= threshold {
                insert(scores[i], firstRow + i)
                threshold = self.threshold
            }
            i += 1
        }
    }

    /// Offers every candidate of `other` (merging per-thread selections).
    @inlinable
    package mutating func merge(_ other: TopK) {
        for i in 0..<other.count { insert(other.scores[i], other.rows[i]) }
    }

    /// Forgets the kept candidates, keeping the buffers (GPT-2's sampler reuses one per pick).
    @inlinable
    package mutating func removeAll() {
        count = 0
        threshold = -.infinity
    }

    /// The kept candidates, best first.
    @inlinable
    package func sorted() -> [(score: Float, row: Int)] {
        (0..<count).map { (score: scores[$0], row: rows[$0]) }.sorted { Self.worse($1.score, $1.row, $0.score, $0.row) }
    }
}
