import Foundation

/// clip-retrieval's `POST /knn-service` body, as its `ClipClient` and front
/// end send it. The query is the first non-empty of `text`, `image`
/// (base64 JPEG) and `embedding_input`; `image_url` is refused (the server
/// fetches nothing for a client). `deduplicate`, `use_mclip`,
/// `use_safety_model`, `use_violence_detector`, `aesthetic_score` and
/// `aesthetic_weight` are accepted with any value and do nothing here: they
/// are not decoded at all, as no other unknown field is.
struct KnnRequest: Decodable, Sendable {
    var text: String?
    var image: String?
    var imageURL: String?
    var embeddingInput: [Float]?
    /// "image" searches the images collection, "text" the poems.
    var modality: String
    /// Results that carry their metadata (caption, or image path and URL).
    var numImages: Int
    /// Results in all (default `numImages`).
    var numResultIDs: Int?
    /// The index to search; null for the server's only index.
    var indiceName: String?

    enum CodingKeys: String, CodingKey {
        case text, image, imageURL = "image_url", embeddingInput = "embedding_input", modality
        case numImages = "num_images", numResultIDs = "num_result_ids", indiceName = "indice_name"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decodeIfPresent(String.self, forKey: .text)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        imageURL = try c.decodeIfPresent(String.self, forKey: .imageURL)
        embeddingInput = try c.decodeIfPresent([Float].self, forKey: .embeddingInput)
        modality = try c.decode(String.self, forKey: .modality)
        numImages = try c.decode(Int.self, forKey: .numImages)
        numResultIDs = try c.decodeIfPresent(Int.self, forKey: .numResultIDs)
        // Required by clip-retrieval's back end, but null there means the first index.
        guard c.contains(.indiceName) else {
            throw DecodingError.keyNotFound(CodingKeys.indiceName, .init(codingPath: [], debugDescription: ""))
        }
        indiceName = try c.decodeIfPresent(String.self, forKey: .indiceName)
    }
}

/// clip-retrieval's `POST /metadata` body: `{"ids":[…],"indice_name"}`.
/// Ids may be strings or integers (clip-retrieval's are row numbers).
struct MetadataRequest: Decodable, Sendable {
    var ids: [String]
    var indiceName: String?

    enum CodingKeys: String, CodingKey { case ids, indiceName = "indice_name" }

    private struct FlexibleID: Decodable {
        let value: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { value = s } else { value = String(try c.decode(Int64.self)) }
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ids = try c.decode([FlexibleID].self, forKey: .ids).map(\.value)
        indiceName = try c.decodeIfPresent(String.self, forKey: .indiceName)
    }
}

/// `POST /v1/images/add`: the JPEG, as multipart field `image` or base64 JSON `"image"`.
struct ImageUpload: Decodable, Sendable {
    var image: [UInt8]

    enum CodingKeys: String, CodingKey { case image }

    init(from decoder: any Decoder) throws {
        image = Array(try decoder.container(keyedBy: CodingKeys.self).decode(Data.self, forKey: .image))
    }
}
