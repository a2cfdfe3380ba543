/// The image preprocessing of Chinese-CLIP (transformers'
/// ChineseCLIPImageProcessor with the PIL backend and the model's
/// preprocessor_config.json): RGB, resize to exactly width × height with
/// Pillow's antialiased bicubic (no aspect preservation, no crop), × rescale,
/// (x − mean) / std per channel, laid out CHW as float32.
///
/// Agreement: the resize reproduces Pillow's 8-bit result exactly, and the
/// normalisation rounds as transformers does (rescale in float64 then
/// float32, mean and std in float32), so the output equals the Python
/// reference to the last bit when the decoded pixels agree.
public struct ImagePreprocessor: Sendable {
    public let width: Int
    public let height: Int
    public let mean: [Float]
    public let std: [Float]
    /// The factor 8-bit samples are multiplied by, kept in float64 as transformers does.
    public let rescaleFactor: Double

    /// lookup[c * 256 + v] = normalised value of sample v in channel c.
    private let lookup: [Float]

    /// `rescale` close to 1/n for an integer n (the usual 1/255) is taken as
    /// exactly 1/n: a Float cannot hold 1/255, and transformers multiplies by
    /// the float64 1/255; with the float32 value half the levels would come
    /// out one ulp off.
    public init(width: Int = 224, height: Int = 224, mean: [Float], std: [Float], rescale: Float = 1.0 / 255) {
        let divisor = (1.0 / Double(rescale)).rounded()
        let exact = divisor >= 1 && divisor <= 65536 && Float(1.0 / divisor) == rescale
        self.init(width: width, height: height, mean: mean, std: std,
                  rescaleFactor: exact ? 1.0 / divisor : Double(rescale))
    }

    /// The designated initializer; `init(configFile:)` passes the config's float64 factor.
    init(width: Int, height: Int, mean: [Float], std: [Float], rescaleFactor: Double) {
        precondition(width > 0 && height > 0, "ImagePreprocessor needs a positive size, got \(width)×\(height)")
        precondition(mean.count == 3 && std.count == 3, "ImagePreprocessor needs 3 means and 3 stds")
        precondition(std.allSatisfy { $0 > 0 && $0.isFinite } && mean.allSatisfy { $0.isFinite },
                     "ImagePreprocessor needs finite means and positive finite stds")
        precondition(rescaleFactor.isFinite && rescaleFactor > 0, "ImagePreprocessor needs a positive rescale")
        self.width = width
        self.height = height
        self.mean = mean
        self.std = std
        self.rescaleFactor = rescaleFactor
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for v in 0..<256 {
                let scaled = Float(Double(v) * rescaleFactor)
                table[c * 256 + v] = (scaled - mean[c]) / std[c]
            }
        }
        lookup = table
    }

    /// The settings of OFA-Sys/chinese-clip-vit-base-patch16 (and of the
    /// tiny test model): 224 × 224, CLIP's mean and std, 1/255.
    public static let chineseCLIP = ImagePreprocessor(
        width: 224, height: 224,
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
        rescaleFactor: 1.0 / 255)

    /// Number of floats `pixelValues` produces: 3 × height × width.
    public var count: Int { 3 * width * height }

    /// `image` resized to width × height as Pillow's bicubic resize does.
    public func resized(_ image: RGBImage) -> RGBImage {
        RGBImage(width: width, height: height,
                 pixels: BicubicResampler.resize(image, width: width, height: height))
    }

    /// The model input for `image`: 3 × height × width floats, channel-major (CHW).
    public func pixelValues(_ image: RGBImage) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            pixelValues(image, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Writes `pixelValues(image)` to `out`, which must hold `count` floats.
    public func pixelValues(_ image: RGBImage, into out: UnsafeMutablePointer<Float>) {
        let rgb = BicubicResampler.resize(image, width: width, height: height)
        let plane = width * height
        lookup.withUnsafeBufferPointer { table in
            rgb.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    let channel = table.baseAddress! + c * 256
                    let dst = out + c * plane
                    for i in 0..<plane { dst[i] = channel[Int(src[i * 3 + c])] }
                }
            }
        }
    }
}
