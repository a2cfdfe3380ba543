import Foundation

/// What a query is about: a text, an image (a file, or JPEG bytes such as an
/// upload), a vector in the model's space, or a stored poem (its embedding).
///
/// Serialised flat, as one of the keys `text`, `image` (JPEG bytes as
/// base64), `vector` or `poem` beside a request's other fields. A file is
/// named only in-process: `imageFile` encodes as `image_file`, and no
/// decoder ever produces it, so a path from a client never reaches the disk.
public enum Query: Sendable, Equatable {
    case text(String)
    case imageFile(String)
    case jpeg([UInt8])
    case vector([Float])
    case poem(String)

    /// How errors name the query.
    var label: String {
        switch self {
        case .text: return "the text"
        case .imageFile(let path): return path
        case .jpeg: return "the image"
        case .vector: return "the vector"
        case .poem(let id): return "poem '\(id)'"
        }
    }
}

extension Query: Codable {
    enum CodingKeys: String, CodingKey { case text, image, vector, poem, imageFile = "image_file" }

    /// Exactly one of `text`, `image`, `vector`, `poem`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.imageFile) {
            throw DecodingError.dataCorruptedError(
                forKey: .imageFile, in: c, debugDescription: "image_file is not accepted here: send the JPEG bytes as image")
        }
        var found: [Query] = []
        if let text = try c.decodeIfPresent(String.self, forKey: .text) { found.append(.text(text)) }
        if let image = try c.decodeIfPresent(Data.self, forKey: .image) { found.append(.jpeg(Array(image))) }
        if let vector = try c.decodeIfPresent([Float].self, forKey: .vector) { found.append(.vector(vector)) }
        if let poem = try c.decodeIfPresent(String.self, forKey: .poem) { found.append(.poem(poem)) }
        guard found.count == 1 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: found.isEmpty ? "no query: give one of text, image, vector, poem"
                                                : "give only one of text, image, vector, poem"))
        }
        self = found[0]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text): try c.encode(text, forKey: .text)
        case .imageFile(let path): try c.encode(path, forKey: .imageFile)
        case .jpeg(let bytes): try c.encode(Data(bytes), forKey: .image)
        case .vector(let vector): try c.encode(vector, forKey: .vector)
        case .poem(let id): try c.encode(id, forKey: .poem)
        }
    }
}
