import Foundation
import Hummingbird
import TihuaPoetry

extension TihuaServer {
    /// `POST /v1/images/add` and `DELETE /v1/records`: off unless the server
    /// has a write token; then they need `Authorization: Bearer TOKEN`.
    func addWriteRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/images/add") { request, _ in
            try self.authorize(request)
            let upload = try await JSONBody.decode(ImageUpload.self, request, limit: self.bodyLimit)
            try ImageFiles.checkUpload(upload.image, maxPixels: self.configuration.maxImagePixels)
            let folder = self.uploadFolder
            let answer = try await self.runner.model { engine -> ImageAdded in
                let path = try ImageFiles.store(upload.image, in: folder)
                do {
                    let summary = try engine.addImages(paths: [path])
                    guard summary.added == 1 else {
                        try? FileManager.default.removeItem(atPath: path)
                        throw APIError.badRequest(summary.failures.first ?? "the image was not added")
                    }
                    return ImageAdded(id: path, added: summary.added, duplicates: summary.duplicates, failed: summary.failed)
                } catch {
                    try? FileManager.default.removeItem(atPath: path)
                    throw error
                }
            }
            return try JSONAnswer.response(answer, status: .created)
        }

        router.delete("/v1/records") { request, _ in
            try self.authorize(request)
            let body = try await JSONBody.decode(DeleteRequest.self, request, limit: self.bodyLimit)
            guard body.ids.count <= 100_000 else {
                throw APIError.badRequest("at most 100000 ids can be deleted at once (got \(body.ids.count))")
            }
            return try JSONAnswer.response(try await self.runner.read { try $0.delete(body) })
        }
    }

    /// Where uploads go: the configured folder, or `uploads` in the index folder.
    var uploadFolder: String {
        configuration.uploadFolder ?? ((engine.indexPath ?? ".") + "/uploads")
    }

    func authorize(_ request: Request) throws {
        guard let token = configuration.writeToken else {
            throw APIError(.forbidden, "writes are turned off on this server (it was started without a write token)",
                           kind: "readOnly")
        }
        guard BearerToken(token).accepts(request.headers[.authorization]) else {
            var error = APIError(.unauthorized, "this write needs the header Authorization: Bearer TOKEN with the server's token",
                                 kind: "unauthorized")
            error.authenticate = true
            throw error
        }
    }
}

/// The answer to an upload: the image's id (its path in the library) and
/// the summary of `images add`.
struct ImageAdded: Codable, Sendable {
    let id: String
    let added: Int
    let duplicates: Int
    let failed: Int
}
