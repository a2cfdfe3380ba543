/// What a JPEG header says about the image, read without decoding pixels.
public struct JPEGInfo: Sendable, Equatable {
    /// The colour model of the stored samples, as libjpeg identifies it
    /// (component count, JFIF and Adobe markers).
    public enum ColorModel: String, Sendable {
        case gray, ycbcr, rgb, cmyk, ycck
    }

    public let width: Int
    public let height: Int
    /// 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK or YCCK).
    public let components: Int
    public let colorModel: ColorModel
    public let isProgressive: Bool
    /// An Adobe APP14 marker is present (it says whether CMYK is stored as YCCK).
    public let hasAdobeMarker: Bool

    /// The mode Pillow gives this image when it opens it: "L", "RGB" or "CMYK".
    public var pillowMode: String {
        switch components {
        case 1: return "L"
        case 4: return "CMYK"
        default: return "RGB"
        }
    }
}
