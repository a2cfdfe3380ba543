import Foundation
import Hummingbird
import TihuaModels
import TihuaPoetry

extension TihuaServer {
    /// `/healthz` and the `/v1` reads: JSON in, JSON out as the CLI's `--json`.
    func addAPIRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try JSONAnswer.response(["status": "ok"]) }

        router.get("/v1/collections") { _, _ in
            try JSONAnswer.response(try await self.runner.read { try $0.stats() })
        }

        router.post("/v1/keywords") { request, _ in
            let body = try await JSONBody.decode(KeywordsRequest.self, request, limit: self.bodyLimit)
            try self.check(body.query)
            return try JSONAnswer.response(try await self.runner.query(body.query) { try $0.keywords(body, embedding: $1) })
        }

        router.post("/v1/poems") { request, _ in
            let body = try await JSONBody.decode(PoemsRequest.self, request, limit: self.bodyLimit)
            // No query: a phrase or a filter alone lists poems in corpus order.
            if let query = body.query { try self.check(query) }
            return try JSONAnswer.response(try await self.runner.query(body.query) { try $0.poems(body, embedding: $1) })
        }

        router.post("/v1/images") { request, _ in
            let body = try await JSONBody.decode(ImagesRequest.self, request, limit: self.bodyLimit)
            try self.check(body.query)
            return try JSONAnswer.response(try await self.runner.query(body.query) { try $0.images(body, embedding: $1) })
        }

        router.post("/v1/generate") { request, _ in
            let body = try await JSONBody.decode(GenerateRequest.self, request, limit: self.bodyLimit)
            try self.check(body.query)
            // The rerank embeds every candidate: always a model call.
            return try JSONAnswer.response(try await self.runner.model { try $0.generate(body) })
        }

        router.post("/v1/search") { request, _ in
            let body = try await JSONBody.decode(SearchRequest.self, request, limit: self.bodyLimit,
                                                 fastPath: SearchBodyScanner.request)
            let answer = try await self.runner.read { try $0.search(body) }
            guard let json = SearchAnswerWriter.json(answer) else { return try JSONAnswer.response(answer) }
            return JSONAnswer.response(json: json)
        }

        router.get("/v1/images/file") { request, _ in
            guard let id = request.uri.queryParameters["id"].map(String.init), !id.isEmpty else {
                throw APIError.badRequest("give the image's id: /v1/images/file?id=ID")
            }
            let bytes = try await self.runner.read { engine in try ImageFiles.registeredJPEG(id, engine: engine) }
            return Response(status: .ok,
                            headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// An uploaded JPEG must be one, within the pixel limit, before it waits for the model.
    func check(_ query: Query) throws {
        guard case .jpeg(let bytes) = query else { return }
        try ImageFiles.checkUpload(bytes, maxPixels: configuration.maxImagePixels)
    }
}
