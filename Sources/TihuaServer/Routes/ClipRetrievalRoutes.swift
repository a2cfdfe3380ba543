import Foundation
import Hummingbird
import TihuaPoetry

extension TihuaServer {
    /// clip-retrieval's back-end routes, in its shapes, so that its
    /// `ClipClient` and its front end work unchanged: `GET /indices-list`,
    /// `POST /knn-service`, `POST /metadata`. Ids are Tihua's (poem ids,
    /// image paths), strings where clip-retrieval has row numbers.
    func addClipRetrievalRoutes(to router: Router<BasicRequestContext>) {
        router.get("/indices-list") { _, _ in try JSONAnswer.response([self.indexName]) }

        router.post("/knn-service") { request, _ in
            let body = try await JSONBody.decode(KnnRequest.self, request, limit: self.bodyLimit)
            try self.checkIndice(body.indiceName)
            let query = try Self.query(of: body)
            try self.check(query)
            guard body.modality == "image" || body.modality == "text" else {
                throw APIError.badRequest("modality must be \"image\" (search the images) or \"text\" (search the poems), not \"\(body.modality)\"")
            }
            let k = max(body.numImages, body.numResultIDs ?? body.numImages)
            for (name, value) in [("num_images", body.numImages), ("num_result_ids", body.numResultIDs ?? body.numImages)] {
                if let problem = EngineLimits.problem(name, value, 1...EngineLimits.maxK) { throw APIError.badRequest(problem) }
            }
            let fileURL = Self.fileURL(host: request.head.authority)
            let items = try await self.runner.query(query) { engine, embedding -> [KnnItem] in
                if body.modality == "image" {
                    return try engine.images(ImagesRequest(query: query, k: k), embedding: embedding).results.enumerated().map { i, hit in
                        i < body.numImages ? .image(hit, url: fileURL(hit.id)) : .bare(hit.id, hit.score)
                    }
                }
                return try engine.poems(PoemsRequest(query: query, k: k), embedding: embedding).results.enumerated().map { i, hit in
                    i < body.numImages ? .poem(hit) : .bare(hit.id, hit.score)
                }
            }
            return try JSONAnswer.response(items)
        }

        router.post("/metadata") { request, _ in
            let body = try await JSONBody.decode(MetadataRequest.self, request, limit: self.bodyLimit)
            try self.checkIndice(body.indiceName)
            guard body.ids.count <= EngineLimits.maxK else {
                throw APIError.badRequest("at most \(EngineLimits.maxK) ids at once (got \(body.ids.count))")
            }
            let fileURL = Self.fileURL(host: request.head.authority)
            let ids = body.ids
            let answer = try await self.runner.read { engine -> [MetadataItem] in
                let poems = try engine.poems(ids: ids)
                let images = try engine.contains(ids, in: BuiltinCollection.images)
                return zip(ids, zip(poems, images)).map { id, found in
                    if let poem = found.0 { return MetadataItem(id: id, metadata: .poem(poem)) }
                    if found.1 { return MetadataItem(id: id, metadata: .image(path: id, url: fileURL(id))) }
                    return MetadataItem(id: id, metadata: .none)
                }
            }
            return try JSONAnswer.response(answer)
        }
    }

    /// clip-retrieval's query: the first non-empty of text, image, embedding_input.
    static func query(of body: KnnRequest) throws -> Query {
        if let text = body.text, !text.isEmpty { return .text(text) }
        if let image = body.image, !image.isEmpty {
            guard let bytes = Data(base64Encoded: image, options: .ignoreUnknownCharacters) else {
                throw APIError.badRequest("image: not valid base64")
            }
            return .jpeg(Array(bytes))
        }
        if let url = body.imageURL, !url.isEmpty {
            throw APIError.badRequest("image_url is not supported: this server fetches nothing on a client's behalf; send the image itself, base64-encoded, as image")
        }
        if let vector = body.embeddingInput, !vector.isEmpty { return .vector(vector) }
        throw APIError.badRequest("no query: give one of text, image (base64 JPEG), embedding_input")
    }

    func checkIndice(_ name: String?) throws {
        if let name, name != indexName {
            throw APIError(.notFound, "no index named '\(name)' here; this server has '\(indexName)'", kind: "notFound")
        }
    }

    /// The URL of an image's file on this server, absolute when the request named its host.
    static func fileURL(host: String?) -> @Sendable (String) -> String {
        let base = host.map { "http://\($0)" } ?? ""
        return { id in
            var components = URLComponents()
            components.queryItems = [URLQueryItem(name: "id", value: id)]
            let query = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
            return base + "/v1/images/file?" + query
        }
    }
}

/// An item of `/knn-service`'s answer: `{"id","similarity"}`, with the
/// metadata clip-retrieval puts beside them for the first `num_images`.
enum KnnItem: Encodable, Sendable {
    case poem(PoemHit)
    case image(ImageHit, url: String)
    case bare(String, Float)

    enum CodingKeys: String, CodingKey { case id, similarity, caption, title, author, dynasty, imagePath = "image_path", url }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .poem(let hit):
            try c.encode(hit.id, forKey: .id)
            try c.encode(hit.score, forKey: .similarity)
            try c.encode(hit.lines.joined(separator: "，") + "。", forKey: .caption)
            try c.encodeIfPresent(hit.title, forKey: .title)
            try c.encodeIfPresent(hit.author, forKey: .author)
            try c.encodeIfPresent(hit.dynasty, forKey: .dynasty)
        case .image(let hit, let url):
            try c.encode(hit.id, forKey: .id)
            try c.encode(hit.score, forKey: .similarity)
            try c.encode(hit.id, forKey: .imagePath)
            try c.encode(url, forKey: .url)
        case .bare(let id, let score):
            try c.encode(id, forKey: .id)
            try c.encode(score, forKey: .similarity)
        }
    }
}

/// An item of `/metadata`'s answer: `{"id","metadata":{…}}` (empty for an unknown id).
struct MetadataItem: Encodable, Sendable {
    enum Metadata: Encodable, Sendable {
        case poem(Poem)
        case image(path: String, url: String)
        case none

        enum CodingKeys: String, CodingKey { case caption, title, author, dynasty, imagePath = "image_path", url }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .poem(let poem):
                try c.encode(poem.lines.joined(separator: "，") + "。", forKey: .caption)
                try c.encodeIfPresent(poem.title, forKey: .title)
                try c.encodeIfPresent(poem.author, forKey: .author)
                try c.encodeIfPresent(poem.dynasty, forKey: .dynasty)
            case .image(let path, let url):
                try c.encode(path, forKey: .imagePath)
                try c.encode(url, forKey: .url)
            case .none:
                break
            }
        }
    }

    let id: String
    let metadata: Metadata
}
