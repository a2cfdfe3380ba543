/// Draws loss curves as a PNG: training loss (grey, smoothed) and
/// validation loss (blue, with dots) against the step, on a light grid
/// (a line every 0.5 of loss, every tenth of the steps). The axes' ranges
/// are written in the file name's companion CSV, not on the image.
public enum LossChart {
    public static func draw(training: [(step: Int, loss: Double)], validation: [(step: Int, loss: Double)],
                            totalSteps: Int, width: Int = 800, height: Int = 450) -> PNGImage {
        var image = PNGImage(width: width, height: height)
        let margin = 20
        let all = (training.map(\.loss) + validation.map(\.loss)).filter(\.isFinite)
        let top = (all.max() ?? 1).rounded(.up), bottom = max(0, ((all.min() ?? 0) - 0.25).rounded(.down))
        let xMax = Double(max(1, totalSteps))
        func point(_ step: Int, _ loss: Double) -> (Int, Int) {
            let x = margin + Int(Double(step) / xMax * Double(width - 2 * margin))
            let y = height - margin - Int((loss - bottom) / max(1e-9, top - bottom) * Double(height - 2 * margin))
            return (x, y)
        }
        // Grid and axes.
        var level = bottom
        while level <= top + 1e-9 {
            let (_, y) = point(0, level)
            for x in margin...(width - margin) { image[x, y] = level.truncatingRemainder(dividingBy: 1) == 0 ? (200, 200, 200) : (232, 232, 232) }
            level += 0.5
        }
        for k in 0...10 {
            let (x, _) = point(totalSteps * k / 10, bottom)
            for y in margin...(height - margin) { image[x, y] = (232, 232, 232) }
        }
        for x in margin...(width - margin) { image[x, height - margin] = (0, 0, 0) }
        for y in margin...(height - margin) { image[margin, y] = (0, 0, 0) }
        // Training loss, an exponential moving average.
        var smoothed: Double?
        var previous: (Int, Int)?
        for (step, loss) in training where loss.isFinite {
            smoothed = smoothed.map { 0.9 * $0 + 0.1 * loss } ?? loss
            let p = point(step, smoothed!)
            if let q = previous { line(&image, q, p, (150, 150, 150)) }
            previous = p
        }
        previous = nil
        for (step, loss) in validation where loss.isFinite {
            let p = point(step, loss)
            if let q = previous { line(&image, q, p, (30, 90, 200)) }
            for dx in -2...2 { for dy in -2...2 { image[p.0 + dx, p.1 + dy] = (30, 90, 200) } }
            previous = p
        }
        return image
    }

    /// Bresenham, two pixels thick.
    static func line(_ image: inout PNGImage, _ a: (Int, Int), _ b: (Int, Int), _ color: (UInt8, UInt8, UInt8)) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y), sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var err = dx + dy
        while true {
            image[x, y] = color
            image[x, y + 1] = color
            if x == b.0 && y == b.1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}
