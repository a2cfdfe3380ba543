import CTihuaJPEG

/// Decodes JPEG bytes to 8-bit RGB with libjpeg-turbo, refusing what cannot
/// be decoded completely: every failure is a one-line `ModelError` naming the
/// source. Pixels agree exactly with Pillow's decoder (same libjpeg settings:
/// accurate integer DCT, fancy upsampling; CMYK converted as Pillow does).
///
/// Accepted: baseline, progressive and arithmetic-coded 8-bit JPEGs with 1
/// (gray, replicated to R=G=B), 3 (YCbCr or RGB, any chroma subsampling) or 4
/// (CMYK or YCCK, read as Adobe-inverted like Pillow) components.
/// Refused: empty or non-JPEG data, data that ends early or is damaged
/// (libjpeg-turbo would fill the rest grey), 12-bit and lossless JPEGs, zero
/// sizes, and images above `maxPixels`. EXIF orientation is not applied
/// (Pillow's `Image.open`, which the reference preprocessing uses, does not
/// apply it either).
public enum JPEGDecoder {
    /// The default limit on width × height. The decoded RGB needs 3 bytes a
    /// pixel and a progressive JPEG up to 6 more for libjpeg's coefficient
    /// buffer, so 120 M pixels bounds a decode near 1 GB: above the largest
    /// camera sensors (about 102 MP), far below what a forged 65500 × 65500
    /// header would ask for (4.3 G pixels).
    public static let defaultMaxPixels: Int = 120_000_000

    /// Decodes `bytes`; `source` names them in errors (a file path or a name).
    public static func decode(_ bytes: [UInt8], source: String,
                              maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        guard maxPixels > 0 else {
            throw ModelError(.invalidInput, "\(source): maxPixels must be positive, got \(maxPixels)")
        }
        try checkStart(bytes, source: source)
        return try withDecoder(source: source) { decoder in
            try bytes.withUnsafeBufferPointer { data in
                let info = try readHeader(decoder, data, maxPixels: maxPixels, source: source, bytes: bytes)
                let count = info.width * info.height * 3
                var status: Int32 = 0
                let pixels = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                    status = tihua_jpeg_decode_rgb(decoder, out.baseAddress, count)
                    initialized = status == 0 ? count : 0
                }
                try check(status, decoder, source: source, bytes: bytes)
                return RGBImage(width: info.width, height: info.height, pixels: pixels)
            }
        }
    }

    /// Reads and decodes the file at `path`; errors name the path.
    public static func decode(file path: String, maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        try decode(JPEGFileReader.read(path), source: path, maxPixels: maxPixels)
    }

    /// Reads only the header: size, components, colour model. No pixel limit
    /// applies since nothing large is allocated.
    public static func info(_ bytes: [UInt8], source: String) throws -> JPEGInfo {
        try checkStart(bytes, source: source)
        return try withDecoder(source: source) { decoder in
            try bytes.withUnsafeBufferPointer { data in
                try readHeader(decoder, data, maxPixels: Int.max, source: source, bytes: bytes)
            }
        }
    }

    /// `info(_:source:)` of the file at `path`.
    public static func info(file path: String) throws -> JPEGInfo {
        try info(JPEGFileReader.read(path), source: path)
    }

    /// Every JPEG starts with the SOI marker FF D8. Checked here so that one
    /// stray byte reads "not a JPEG file", not "ends early".
    private static func checkStart(_ bytes: [UInt8], source: String) throws {
        if bytes.isEmpty { throw ModelError(.format, "\(source): empty file") }
        if bytes.count < 2 {
            throw ModelError(.format, "\(source): not a JPEG file (1 byte: \(hex(bytes[0])))")
        }
        if bytes[0] != 0xFF || bytes[1] != 0xD8 {
            throw ModelError(.format, "\(source): not a JPEG file (starts with \(hex(bytes[0])) \(hex(bytes[1])))")
        }
    }

    // MARK: - Calls into the shim

    private static func withDecoder<T>(source: String,
                                       _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let decoder = tihua_jpeg_create() else {
            throw ModelError(.outOfMemory, "\(source): out of memory creating the JPEG decoder")
        }
        defer { tihua_jpeg_destroy(decoder) }
        return try body(decoder)
    }

    private static func readHeader(_ decoder: OpaquePointer, _ data: UnsafeBufferPointer<UInt8>,
                                   maxPixels: Int, source: String, bytes: [UInt8]) throws -> JPEGInfo {
        var raw = tihua_jpeg_info()
        let status = tihua_jpeg_read_header(decoder, data.baseAddress, data.count,
                                            Int64(clamping: maxPixels), &raw)
        if status == Int32(TIHUA_JPEG_TOO_LARGE.rawValue) {
            throw ModelError(.invalidInput,
                             "\(source): \(raw.width)×\(raw.height) pixels exceeds the limit of \(maxPixels)")
        }
        try check(status, decoder, source: source, bytes: bytes)
        let model: JPEGInfo.ColorModel
        switch UInt32(raw.color) {
        case TIHUA_JPEG_GRAY.rawValue: model = .gray
        case TIHUA_JPEG_YCBCR.rawValue: model = .ycbcr
        case TIHUA_JPEG_RGB.rawValue: model = .rgb
        case TIHUA_JPEG_CMYK.rawValue: model = .cmyk
        default: model = .ycck
        }
        return JPEGInfo(width: Int(raw.width), height: Int(raw.height), components: Int(raw.components),
                        colorModel: model, isProgressive: raw.progressive != 0,
                        hasAdobeMarker: raw.adobe != 0)
    }

    /// Turns a shim status into a ModelError (or nothing for success).
    private static func check(_ status: Int32, _ decoder: OpaquePointer,
                              source: String, bytes: [UInt8]) throws {
        guard status != 0 else { return }
        let detail = libjpegDetail(String(cString: tihua_jpeg_message(decoder)))
        switch UInt32(status) {
        case TIHUA_JPEG_NOT_JPEG.rawValue:
            let start = bytes.prefix(2).map { hex($0) }.joined(separator: " ")
            throw ModelError(.format, "\(source): not a JPEG file (starts with \(start))")
        case TIHUA_JPEG_EMPTY_INPUT.rawValue:
            throw ModelError(.format, "\(source): empty file")
        case TIHUA_JPEG_TRUNCATED.rawValue:
            throw ModelError(.format, "\(source): JPEG data ends early (\(detail))")
        case TIHUA_JPEG_CORRUPT.rawValue:
            throw ModelError(.format, "\(source): corrupt JPEG data (\(detail))")
        case TIHUA_JPEG_ZERO_SIZE.rawValue:
            throw ModelError(.format, "\(source): JPEG image has a zero width or height")
        case TIHUA_JPEG_UNSUPPORTED.rawValue:
            // libjpeg's own messages mostly say "Unsupported ..." already.
            throw ModelError(.unsupported, detail.hasPrefix("unsupported")
                ? "\(source): \(detail)" : "\(source): unsupported JPEG (\(detail))")
        case TIHUA_JPEG_NO_MEMORY.rawValue:
            throw ModelError(.outOfMemory, "\(source): out of memory decoding JPEG (\(detail))")
        default:
            throw ModelError(.invalidInput, "\(source): JPEG decoder misuse (\(detail))")
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    /// libjpeg's message as a parenthesised detail: "Corrupt JPEG data: bad
    /// Huffman code" → "bad Huffman code", "Premature end of JPEG file" →
    /// "premature end of JPEG file".
    static func libjpegDetail(_ message: String) -> String {
        var text = Substring(message)
        for prefix in ["Corrupt JPEG data: ", "Warning: "] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        let chars = Array(text)
        if chars.count >= 2, chars[0].isUppercase, chars[1].isLowercase {
            return chars[0].lowercased() + String(chars.dropFirst())
        }
        return String(text)
    }
}
