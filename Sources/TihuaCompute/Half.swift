/// IEEE 754 binary16 → binary32, by bits (subnormals, infinities and NaN
/// payloads included): the one conversion for `.npy` files and model weights.
/// Swift's `Float16` converts the same values, but on baseline x86-64 (no
/// F16C) through a library call that measured slower than this (16.7M
/// values: 484–709 ms against 415–480 ms, the two interleaved).
package enum Half {
    @inlinable
    package static func toFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        var mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            var e = -14
            while mantissa & 0x400 == 0 { mantissa <<= 1; e -= 1 }
            mantissa &= 0x3FF
            return Float(bitPattern: sign | UInt32(e + 127) << 23 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
