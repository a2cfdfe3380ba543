import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TihuaPoetry
import TihuaTestSupport
@testable import TihuaServer

@Suite struct WriteRouteTests {
    let fixture = ServerFixture.shared
    static let token = "token-for-the-write-tests-0123456789"

    @Test func tokensComeFromTheFirstLineOfAFile() throws {
        let folder = TemporaryFolder()
        let good = folder.write("token", Array("  \(Self.token)  \nsecond line\n".utf8))
        #expect(try ServerConfiguration.token(fromFile: good) == Self.token)
        for (name, text) in [("empty", ""), ("short", "abc\n"), ("blank", "\n\(Self.token)")] {
            let file = folder.write(name, Array(text.utf8))
            #expect(throws: ServerError.self) { try ServerConfiguration.token(fromFile: file) }
        }
        #expect(throws: ServerError.self) { try ServerConfiguration.token(fromFile: folder.file("missing")) }
    }

    @Test func uploadsAreAddedAndDeletesNeedTheToken() async throws {
        let (folder, engine) = try fixture.copy()
        let uploads = folder.file("uploads")
        let server = try fixture.server({ $0.writeToken = Self.token; $0.uploadFolder = uploads }, engine: engine)
        let photo = Samples.bytes(Samples.images[2])
        let auth: HTTPFields = [.authorization: "Bearer \(Self.token)", .contentType: "application/json"]
        try await server.application().test(.router) { client in
            // No header, a wrong token: 401 with WWW-Authenticate; nothing written.
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong-token-wrong-token-0123"]] {
                let refused = try await post(client, "/v1/images/add", json(["image": Data(photo).base64EncodedString()]),
                                             headers: headers)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.wwwAuthenticate] == "Bearer")
            }
            #expect(!FileManager.default.fileExists(atPath: uploads))

            // A multipart upload: stored under a name of the server's, embedded, then served.
            var form = multipart(image: photo)
            form.headers[.authorization] = "Bearer \(Self.token)"
            let added = try await post(client, "/v1/images/add", form.body, headers: form.headers)
            #expect(added.status == .created)
            let answer = try added.decode(ImageAdded.self)
            #expect(answer.added == 1 && answer.failed == 0)
            #expect(answer.id.hasPrefix(URL(fileURLWithPath: uploads).standardizedFileURL.path + "/"))
            #expect(Samples.bytes(answer.id) == photo)
            let stats = try engine.stats().first { $0.collection == "images" }
            #expect(stats?.count == 4)
            let id = answer.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let served = try await client.execute(uri: "/v1/images/file?id=\(id)", method: .get)
            #expect(Array(served.body.readableBytesView) == photo)

            // Not a JPEG: refused before anything is written.
            let bad = try await post(client, "/v1/images/add", json(["image": Data("nope".utf8).base64EncodedString()]),
                                     headers: auth)
            #expect(bad.status == .badRequest)
            #expect(try FileManager.default.contentsOfDirectory(atPath: uploads).count == 1)

            // Delete it again, and a poem, with the token.
            let poem = try engine.poems(PoemsRequest(query: .text("月"), k: 1)).results[0].id
            let unauthorized = try await client.execute(uri: "/v1/records", method: .delete,
                                                        body: json(["collection": "images", "ids": [answer.id]]))
            #expect(unauthorized.status == .unauthorized)
            let deleted = try await client.execute(uri: "/v1/records", method: .delete, headers: auth,
                                                   body: json(["collection": "images", "ids": [answer.id, "/nowhere.jpg"]]))
            #expect(deleted.status == .ok)
            let summary = try deleted.decode(DeleteSummary.self)
            #expect(summary.deleted == 1 && summary.missing == 1)
            let gone = try await client.execute(uri: "/v1/images/file?id=\(id)", method: .get)
            #expect(gone.status == .notFound)
            let poemDeleted = try await client.execute(uri: "/v1/records", method: .delete, headers: auth,
                                                       body: json(["collection": "poems", "ids": [poem]]))
            let poemSummary = try poemDeleted.decode(DeleteSummary.self)
            #expect(poemSummary.deleted == 1 && poemSummary.missing == 0)
            let noCollection = try await client.execute(uri: "/v1/records", method: .delete, headers: auth,
                                                        body: json(["collection": "nothing", "ids": ["a"]]))
            #expect(noCollection.status == .notFound)
        }
    }
}
