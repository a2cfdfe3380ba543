import Foundation

extension ImagePreprocessor {
    /// Reads a Hugging Face `preprocessor_config.json` (ChineseCLIPImageProcessor
    /// or CLIPImageProcessor keys) and refuses any setting this implementation
    /// would not reproduce, naming the key. Missing keys take
    /// ChineseCLIPImageProcessor's defaults.
    public init(configFile path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError(.io, "\(path): no such file")
        }
        // The module's one JSON parser, as for config.json and safetensors headers.
        let value = try JSONParser.parse(try readWholeFile(path), source: path)
        guard let json = value.objectValue else {
            throw ModelError(.format, "\(path): not a JSON object (found \(value.brief))")
        }
        self = try PreprocessorConfigReader(path: path, json: json).preprocessor()
    }
}

/// Validation of one preprocessor_config.json.
private struct PreprocessorConfigReader {
    let path: String
    let json: [String: JSONValue]

    func preprocessor() throws -> ImagePreprocessor {
        if try bool("do_resize", default: true) == false {
            throw unsupported("do_resize is false; the model needs its fixed input size, so resizing cannot be skipped")
        }
        let (height, width) = try size()
        if let resample = json["resample"] {
            guard resample.intValue == 3 else {
                throw unsupported("resample is \(resample.rendered); only 3 (bicubic, as PIL) is implemented")
            }
        }
        // ChineseCLIPImageProcessor crops by default. A crop to the size the
        // image was just resized to is the identity, so it is accepted.
        if try bool("do_center_crop", default: true) {
            let (cropHeight, cropWidth) = try cropSize()
            if cropHeight != height || cropWidth != width {
                throw unsupported("do_center_crop with crop_size \(cropWidth)×\(cropHeight) after resizing to \(width)×\(height) is not implemented")
            }
        }
        var rescale = 1.0
        if try bool("do_rescale", default: true) {
            rescale = try number("rescale_factor", default: 1.0 / 255)
            guard rescale > 0, rescale.isFinite else { throw invalid("rescale_factor must be a positive number") }
        }
        var mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1]
        if try bool("do_normalize", default: true) {
            mean = try triple("image_mean", default: [0.48145466, 0.4578275, 0.40821073], allowZero: true)
            std = try triple("image_std", default: [0.26862954, 0.26130258, 0.27577711], allowZero: false)
        }
        return ImagePreprocessor(width: width, height: height, mean: mean, std: std, rescaleFactor: rescale)
    }

    /// `size` as {"height": H, "width": W}; the shortest-edge forms are another resize path.
    private func size() throws -> (Int, Int) {
        guard let value = json["size"] else {
            throw unsupported("size is missing (ChineseCLIPImageProcessor would then use a shortest-edge resize, which is not implemented)")
        }
        guard case .object(let dict) = value, dict["height"] != nil, dict["width"] != nil else {
            throw unsupported("size \(value.rendered) is not {\"height\": H, \"width\": W}; shortest-edge resizing is not implemented")
        }
        return (try positiveInt(dict["height"], key: "size.height"), try positiveInt(dict["width"], key: "size.width"))
    }

    /// `crop_size` as an integer (square) or {"height": H, "width": W}; default 224.
    private func cropSize() throws -> (Int, Int) {
        guard let value = json["crop_size"] else { return (224, 224) }
        if case .object(let dict) = value {
            return (try positiveInt(dict["height"], key: "crop_size.height"),
                    try positiveInt(dict["width"], key: "crop_size.width"))
        }
        let side = try positiveInt(value, key: "crop_size")
        return (side, side)
    }

    private func positiveInt(_ value: JSONValue?, key: String) throws -> Int {
        guard let x = value?.intValue, x >= 1, x <= 16384 else {
            throw invalid("\(key) must be a positive integer (at most 16384), got \(value?.rendered ?? "nothing")")
        }
        return x
    }

    private func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = json[key] else { return fallback }
        guard let b = value.boolValue else { throw invalid("\(key) must be true or false, got \(value.rendered)") }
        return b
    }

    private func number(_ key: String, default fallback: Double) throws -> Double {
        guard let value = json[key] else { return fallback }
        guard let x = value.doubleValue else { throw invalid("\(key) must be a number, got \(value.rendered)") }
        return x
    }

    private func triple(_ key: String, default fallback: [Float], allowZero: Bool) throws -> [Float] {
        guard let value = json[key] else { return fallback }
        let what = allowZero ? "3 numbers ≥ 0" : "3 positive numbers"
        guard let items = value.arrayValue, items.count == 3 else {
            throw invalid("\(key) must be \(what), got \(value.rendered)")
        }
        return try items.map { item in
            guard let x = item.doubleValue, x.isFinite, allowZero ? x >= 0 : x > 0 else {
                throw invalid("\(key) must be \(what), got \(value.rendered)")
            }
            return Float(x)
        }
    }

    private func unsupported(_ text: String) -> ModelError { ModelError(.unsupported, "\(path): \(text)") }
    private func invalid(_ text: String) -> ModelError { ModelError(.format, "\(path): \(text)") }
}
