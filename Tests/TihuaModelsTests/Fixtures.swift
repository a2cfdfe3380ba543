import Foundation
@testable import TihuaModels

/// Paths of the copied reference fixtures (see Fixtures/*: made with
/// transformers 5.17 / torch 2.11 in float32).
enum Fixtures {
    static let root: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures folder missing from the test bundle")
        }
        return url.path
    }()

    /// The tiny model folders live in Samples/models (the demo runs them
    /// too); only their reference outputs are kept here.
    static let models: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples/models").standardized.path

    static func path(_ relative: String) -> String {
        let isModelFile = (relative.hasPrefix("clip-tiny") || relative.hasPrefix("gpt2-tiny"))
            && !relative.hasSuffix("reference.safetensors")
        return (isModelFile ? models : root) + "/" + relative
    }

    static var clipFolder: String { path("clip-tiny") }
    static var gpt2Folder: String { path("gpt2-tiny") }

    static let clipReference: SafeTensors = try! SafeTensors(contentsOf: path("clip-tiny/reference.safetensors"))
    static let gpt2Reference: SafeTensors = try! SafeTensors(contentsOf: path("gpt2-tiny/reference.safetensors"))
    static let pixelReference: SafeTensors = try! SafeTensors(contentsOf: path("preprocess/reference.safetensors"))

    /// Image rows of `image_embeds`, in order.
    static let imageNames = ["chun", "feiliu", "gray", "progressive", "pubu", "subsampled444", "tiny", "wide"]

    struct TokenizerCase: Decodable {
        let text: String
        let input_ids: [Int]
        let tokens: [String]
    }

    static let tokenizerCases: [TokenizerCase] = {
        struct File: Decodable { let cases: [TokenizerCase] }
        let data = try! Data(contentsOf: URL(fileURLWithPath: path("tokenizer/cases.json")))
        return try! JSONDecoder().decode(File.self, from: data).cases
    }()

    static func bytes(_ relative: String) -> [UInt8] {
        Array(try! Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }
}

/// Largest absolute difference of two equally long float sequences.
func maxAbsDiff<A: Collection, B: Collection>(_ a: A, _ b: B) -> Float where A.Element == Float, B.Element == Float {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    var m: Float = 0
    for (x, y) in zip(a, b) { m = max(m, abs(x - y)) }
    return m
}
