/// Antialiased bicubic resizing of 8-bit RGB, computing what Pillow's
/// `Image.resize(size, Image.BICUBIC)` computes, to the grey level.
///
/// The method (Pillow's, reimplemented): a separable two-pass filter,
/// horizontal first, then vertical. Each output pixel is a weighted sum of
/// the input pixels under the bicubic kernel (a = -0.5) centred on it; when
/// shrinking, the kernel is stretched by the scale factor so that it averages
/// every input pixel it covers (antialiasing). The weights of one output pixel
/// are normalised to sum to 1 in double precision, then turned into 22-bit
/// fixed point; each pass accumulates in 32-bit integers, rounds, and clips
/// to 0...255, so the intermediate image is 8-bit just as in Pillow. The
/// horizontal pass only produces the rows the vertical pass reads.
enum BicubicResampler {
    /// Fractional bits of the fixed-point weights: 32 bits minus 8 for the
    /// sample and 2 for sums of negative lobes or above 1.
    static let precisionBits: Int32 = 22

    /// The weights that map `inSize` samples onto `outSize` along one axis.
    struct Kernel {
        /// Weights per output sample (the row stride of `weights`).
        let taps: Int
        /// First input index and number of inputs used by each output sample.
        var first: [Int]
        var count: [Int]
        /// Fixed-point weights, `taps` per output sample (unused ones 0).
        var weights: [Int32]

        init(inSize: Int, outSize: Int) {
            precondition(inSize > 0 && outSize > 0)
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1.0)
            let support = BicubicResampler.support * filterScale
            taps = Int(support.rounded(.up)) * 2 + 1
            first = [Int](repeating: 0, count: outSize)
            count = [Int](repeating: 0, count: outSize)
            weights = [Int32](repeating: 0, count: outSize * taps)

            let inverseFilterScale = 1.0 / filterScale
            let one = Double(1 << BicubicResampler.precisionBits)
            var w = [Double](repeating: 0, count: taps)
            for o in 0..<outSize {
                let center = (Double(o) + 0.5) * scale
                // Int() truncates toward zero, as Pillow's (int) casts do.
                let lo = max(0, Int(center - support + 0.5))
                let hi = min(inSize, Int(center + support + 0.5))
                let n = hi - lo
                var sum = 0.0
                for i in 0..<n {
                    // Distance from the kernel centre to the centre of input pixel lo + i.
                    let value = BicubicResampler.bicubic((Double(i + lo) - center + 0.5) * inverseFilterScale)
                    w[i] = value
                    sum += value
                }
                for i in 0..<n {
                    let k = sum != 0 ? w[i] / sum : w[i]
                    // Round half away from zero.
                    weights[o * taps + i] = Int32(k < 0 ? -0.5 + k * one : 0.5 + k * one)
                }
                first[o] = lo
                count[o] = n
            }
        }
    }

    /// Half-width of the bicubic kernel at scale 1.
    static let support = 2.0

    /// Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom).
    @inline(__always)
    static func bicubic(_ t: Double) -> Double {
        let a = -0.5
        let x = abs(t)
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }

    /// Rounds a fixed-point accumulator (already offset by one half) to 0...255.
    @inline(__always)
    static func clip8(_ accumulator: Int32) -> UInt8 {
        let v = accumulator >> precisionBits
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(truncatingIfNeeded: v))
    }

    /// `image` resized to `width` × `height`, RGB interleaved.
    static func resize(_ image: RGBImage, width: Int, height: Int) -> [UInt8] {
        precondition(width > 0 && height > 0)
        let vertical = Kernel(inSize: image.height, outSize: height)
        // Rows of the source the vertical pass reads.
        let firstRow = vertical.first[0]
        let endRow = vertical.first[height - 1] + vertical.count[height - 1]

        // Horizontal pass (skipped when the width does not change, where it
        // would be the identity).
        var rows: [UInt8]
        let rowOffset: Int
        if width != image.width {
            let horizontal = Kernel(inSize: image.width, outSize: width)
            rows = [UInt8](repeating: 0, count: (endRow - firstRow) * width * 3)
            image.pixels.withUnsafeBufferPointer { src in
                rows.withUnsafeMutableBufferPointer { dst in
                    horizontalPass(src.baseAddress!, inWidth: image.width, rows: firstRow..<endRow,
                                   kernel: horizontal, outWidth: width, into: dst.baseAddress!)
                }
            }
            rowOffset = firstRow
        } else {
            rows = image.pixels
            rowOffset = 0
        }
        guard height != image.height else { return rows }

        var out = [UInt8](repeating: 0, count: width * height * 3)
        rows.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                verticalPass(src.baseAddress!, rowOffset: rowOffset, rowLength: width * 3,
                             kernel: vertical, outHeight: height, into: dst.baseAddress!)
            }
        }
        return out
    }

    private static func horizontalPass(_ src: UnsafePointer<UInt8>, inWidth: Int, rows: Range<Int>,
                                       kernel: Kernel, outWidth: Int, into dst: UnsafeMutablePointer<UInt8>) {
        let half: Int32 = 1 << (precisionBits - 1)
        kernel.weights.withUnsafeBufferPointer { weights in
            for (r, y) in rows.enumerated() {
                let line = src + y * inWidth * 3
                let outLine = dst + r * outWidth * 3
                for x in 0..<outWidth {
                    let k = weights.baseAddress! + x * kernel.taps
                    var p = line + kernel.first[x] * 3
                    var s0 = half, s1 = half, s2 = half
                    for i in 0..<kernel.count[x] {
                        let w = k[i]
                        s0 &+= Int32(p[0]) &* w
                        s1 &+= Int32(p[1]) &* w
                        s2 &+= Int32(p[2]) &* w
                        p += 3
                    }
                    outLine[x * 3] = clip8(s0)
                    outLine[x * 3 + 1] = clip8(s1)
                    outLine[x * 3 + 2] = clip8(s2)
                }
            }
        }
    }

    private static func verticalPass(_ src: UnsafePointer<UInt8>, rowOffset: Int, rowLength: Int,
                                     kernel: Kernel, outHeight: Int, into dst: UnsafeMutablePointer<UInt8>) {
        let half: Int32 = 1 << (precisionBits - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        sums.withUnsafeMutableBufferPointer { acc in
            kernel.weights.withUnsafeBufferPointer { weights in
                for y in 0..<outHeight {
                    for j in 0..<rowLength { acc[j] = half }
                    let k = weights.baseAddress! + y * kernel.taps
                    for i in 0..<kernel.count[y] {
                        let w = k[i]
                        let line = src + (kernel.first[y] + i - rowOffset) * rowLength
                        for j in 0..<rowLength { acc[j] &+= Int32(line[j]) &* w }
                    }
                    let outLine = dst + y * rowLength
                    for j in 0..<rowLength { outLine[j] = clip8(acc[j]) }
                }
            }
        }
    }
}
