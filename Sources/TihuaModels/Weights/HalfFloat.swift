/// IEEE 754 half precision to single precision, by bits (Float16 is not
/// available on every platform Swift runs on).
enum HalfFloat {
    @inline(__always)
    static func toFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        var mantissa = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            if mantissa == 0 { return Float(bitPattern: sign) }
            // Subnormal: normalise the mantissa.
            var e = -1
            repeat { mantissa <<= 1; e += 1 } while mantissa & 0x0400 == 0
            mantissa &= 0x03FF
            return Float(bitPattern: sign | UInt32(127 - 15 - e) << 23 | mantissa << 13)
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }
}
