import Foundation
import Testing
@testable import TihuaModels

@Suite struct PreprocessConfigTests {
    private func write(_ json: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tihua-pp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("preprocessor_config.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The tiny model's config (same settings as OFA-Sys/chinese-clip-vit-base-patch16).
    static let modelConfig = """
    {
      "do_center_crop": false,
      "do_normalize": true,
      "do_resize": true,
      "image_mean": [0.48145466, 0.4578275, 0.40821073],
      "image_std": [0.26862954, 0.26130258, 0.27577711],
      "resample": 3,
      "size": {"height": 224, "width": 224},
      "feature_extractor_type": "ChineseCLIPFeatureExtractor"
    }
    """

    @Test func modelConfigEqualsChineseCLIP() throws {
        let p = try ImagePreprocessor(configFile: write(Self.modelConfig))
        let c = ImagePreprocessor.chineseCLIP
        #expect(p.width == 224 && p.height == 224 && p.mean == c.mean && p.std == c.std && p.rescaleFactor == c.rescaleFactor)
        let image = try JPEGDecoder.decode(file: PreprocessFixtures.path("images/tiny.jpg"))
        #expect(p.pixelValues(image) == c.pixelValues(image))
    }

    @Test func cropToTheResizedSizeIsAccepted() throws {
        let json = Self.modelConfig.replacingOccurrences(of: "\"do_center_crop\": false", with: "\"do_center_crop\": true, \"crop_size\": 224")
        #expect(try ImagePreprocessor(configFile: write(json)).width == 224)
    }

    @Test func otherSizesAndSwitches() throws {
        let json = """
        {"size": {"height": 160, "width": 96}, "do_center_crop": false, "do_normalize": false, "do_rescale": true, "rescale_factor": 0.5}
        """
        let p = try ImagePreprocessor(configFile: write(json))
        #expect(p.width == 96 && p.height == 160 && p.mean == [0, 0, 0] && p.std == [1, 1, 1] && p.rescaleFactor == 0.5)
    }

    /// Each bad setting is refused with a one-line message naming the key.
    @Test(arguments: [
        ("\"do_center_crop\": true, \"crop_size\": 200", "do_center_crop"),
        ("\"do_center_crop\": true, \"crop_size\": {\"height\": 224, \"width\": 200}", "crop_size 200×224"),
        ("\"resample\": 2", "resample is 2"),
        ("\"size\": {\"shortest_edge\": 224}", "size {\"shortest_edge\": 224}"),
        ("\"size\": 224", "size 224"),
        ("\"size\": {\"height\": 0, \"width\": 224}", "size.height must be a positive integer"),
        ("\"size\": {\"height\": 224.5, \"width\": 224}", "size.height must be a positive integer"),
        ("\"image_mean\": [0.5, 0.5]", "image_mean must be 3 numbers"),
        ("\"image_std\": [0.5, 0, 0.5]", "image_std must be 3 positive numbers"),
        ("\"image_std\": [0.5, \"x\", 0.5]", "image_std must be 3 positive numbers"),
        ("\"do_resize\": false", "do_resize is false"),
        ("\"do_normalize\": 1", "do_normalize must be true or false"),
        ("\"rescale_factor\": -1", "rescale_factor must be a positive number"),
    ])
    func badSettingsAreRefused(_ change: String, _ expected: String) throws {
        // The changed key's line is dropped (duplicate keys are refused); the
        // last line is never one of them, so no trailing comma is left.
        var base = Self.modelConfig
        for key in ["do_center_crop", "resample", "size", "image_mean", "image_std", "do_resize", "do_normalize"]
        where change.hasPrefix("\"\(key)\"") {
            base = base.split(separator: "\n").filter { !$0.contains("\"\(key)\"") }.joined(separator: "\n")
        }
        let json = base.replacingOccurrences(of: "{", with: "{\(change),", options: [], range: base.range(of: "{"))
        let path = try write(json)
        do {
            _ = try ImagePreprocessor(configFile: path)
            Issue.record("accepted \(change)")
        } catch let error as ModelError {
            #expect(error.message.hasPrefix("\(path): "), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func missingSizeMeansShortestEdgeAndIsRefused() throws {
        let path = try write("{\"do_center_crop\": false}")
        #expect(throws: ModelError.self) { try ImagePreprocessor(configFile: path) }
    }

    @Test func defaultCropOfChineseCLIPIsTheIdentityAt224() throws {
        // ChineseCLIPImageProcessor crops to 224 by default: a no-op after resizing to 224×224.
        #expect(try ImagePreprocessor(configFile: write("{\"size\": {\"height\": 224, \"width\": 224}}")).width == 224)
        let path = try write("{\"size\": {\"height\": 256, \"width\": 256}}")
        #expect(throws: ModelError.self) { try ImagePreprocessor(configFile: path) }
    }

    @Test func missingAndMalformedFiles() throws {
        let missing = "/nonexistent/preprocessor_config.json"
        #expect(throws: ModelError(.io, "\(missing): no such file")) { try ImagePreprocessor(configFile: missing) }
        let path = try write("[1, 2]")
        do {
            _ = try ImagePreprocessor(configFile: path)
            Issue.record("accepted a JSON array")
        } catch let error as ModelError {
            #expect(error.message.hasPrefix("\(path): not a JSON object"))
            #expect(!error.message.contains("\n"))
        }
    }
}
