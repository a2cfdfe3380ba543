import Foundation
import TihuaModels

/// A Chinese-CLIP model folder with random weights of a real size (ViT-B/16
/// and BERT-base by default): config.json, model.safetensors, vocab.txt and
/// preprocessor_config.json, for benchmarks that need a model as a server
/// or a command opens one. Its rankings are meaningless; its speed is real.
public enum RandomModelFolder {
    public static func write(to folder: String, config: CLIPConfig = .base, seed: UInt64 = 1) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let weights = RandomCLIPWeights.make(config, seed: seed, includeUnused: true)
        try SafeTensorsWriter.write(weights, to: folder + "/model.safetensors")
        try Data(EncoderBenchmark.configJSON(config).utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let vocabulary = RandomCLIPWeights.vocabulary(size: config.text.vocabSize)
        try Data((vocabulary.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/vocab.txt"))
        let size = config.vision.imageSize
        let preprocessor = """
        {"do_center_crop": false, "do_normalize": true, "do_resize": true,
         "feature_extractor_type": "ChineseCLIPFeatureExtractor",
         "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
         "resample": 3, "size": {"height": \(size), "width": \(size)}}
        """
        try Data(preprocessor.utf8).write(to: URL(fileURLWithPath: folder + "/preprocessor_config.json"))
    }
}
