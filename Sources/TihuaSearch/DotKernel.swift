/// Dot products of one query with many contiguous rows, the inner loop of
/// every scan (exact and IVF).
///
/// Four rows are scored at once so that each load of the query serves four
/// rows; each row keeps two SIMD8 accumulators. The single-row tail uses the
/// very same order of operations, so a row's score does not depend on where
/// it falls in a batch (IVF with all lists probed equals the exact scan bit
/// for bit).
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
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
        var j = 0
        while j + 16 <= d {
            a0 += qp.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                * rp.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            a1 += qp.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Float>.self)
                * rp.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Float>.self)
            j += 16
        }
        if j + 8 <= d {
            a0 += qp.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                * rp.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        var s = (a0 + a1).sum()
        while j < d { s += q[j] * r[j]; j += 1 }
        return s
    }

    @inline(__always)
    private static func score4(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int,
                               _ out: UnsafeMutablePointer<Float>) {
        let qp = UnsafeRawPointer(q)
        let r0 = UnsafeRawPointer(r), r1 = UnsafeRawPointer(r + d)
        let r2 = UnsafeRawPointer(r + 2 * d), r3 = UnsafeRawPointer(r + 3 * d)
        var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
        var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
        var j = 0
        while j + 16 <= d {
            let o = j * 4
            let q0 = qp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let q1 = qp.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            a00 += q0 * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a01 += q1 * r0.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            a10 += q0 * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a11 += q1 * r1.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            a20 += q0 * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a21 += q1 * r2.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            a30 += q0 * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a31 += q1 * r3.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            j += 16
        }
        if j + 8 <= d {
            let o = j * 4
            let q0 = qp.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a00 += q0 * r0.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a10 += q0 * r1.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a20 += q0 * r2.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            a30 += q0 * r3.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            j += 8
        }
        var s0 = (a00 + a01).sum(), s1 = (a10 + a11).sum(), s2 = (a20 + a21).sum(), s3 = (a30 + a31).sum()
        while j < d {
            s0 += q[j] * r[j]; s1 += q[j] * r[d + j]; s2 += q[j] * r[2 * d + j]; s3 += q[j] * r[3 * d + j]
            j += 1
        }
        out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3
    }
}
