/// Dot products of one query with many contiguous rows, the inner loop of
/// exact scan.
///
/// Four rows are scored at once so that each load of the query serves four
/// rows. The single-row tail uses the same order of operations, so a row's
/// score does not depend on where it falls in a block.
enum DotKernel {
    /// `out[i] = query · rows[i]` for `i in 0..<count`; rows are `dimension`
    /// floats apart. Pointers may be unaligned.
    static func scores(query: UnsafePointer<Float>, rows: UnsafePointer<Float>, count: Int, dimension: Int,
                       into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 4 <= count {
            score4(query, rows + i * dimension, dimension, out + i)
            i += 4
        }
        while i < count {
            out[i] = score1(query, rows + i * dimension, dimension)
            i += 1
        }
    }

    @inline(__always)
    static func score1(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int) -> Float {
        let qp = UnsafeRawPointer(q), rp = UnsafeRawPointer(r)
        var a = SIMD8<Float>()
        var o = 0
        let end = (d / 8) &* 32
        while o < end {
            a += qp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            o &+= 32
        }
        var s = a.sum()
        var j = d / 8 * 8
        while j < d { s += q[j] * r[j]; j &+= 1 }
        return s
    }

    /// One SIMD8 accumulator per row: with the query's 8 floats that is 10
    /// live vectors, which fit the 16 SSE registers of baseline x86-64
    /// without spilling (more accumulators spill and run slower).
    @inline(__always)
    private static func score4(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int,
                               _ out: UnsafeMutablePointer<Float>) {
        let qp = UnsafeRawPointer(q)
        let r0 = UnsafeRawPointer(r), r1 = UnsafeRawPointer(r + d)
        let r2 = UnsafeRawPointer(r + 2 * d), r3 = UnsafeRawPointer(r + 3 * d)
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var o = 0
        let end = (d / 8) &* 32
        while o < end {
            let qv = qp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a0 += qv * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a1 += qv * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a2 += qv * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a3 += qv * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            o &+= 32
        }
        var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
        var j = d / 8 * 8
        while j < d {
            s0 += q[j] * r[j]; s1 += q[j] * r[d + j]; s2 += q[j] * r[2 * d + j]; s3 += q[j] * r[3 * d + j]
            j &+= 1
        }
        out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3
    }
}
