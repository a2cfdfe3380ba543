import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TihuaPoetry
@testable import TihuaServer

@Suite struct BadInputTests {
    let fixture = ServerFixture.shared

    /// Each body gets 400 with an error that names what was wrong.
    @Test func malformedBodiesAre400WithAMessage() async throws {
        let notJPEG = Data("GIF89a not a photo".utf8).base64EncodedString()
        let cases: [(String, ByteBuffer, String)] = [
            ("/v1/poems", ByteBuffer(string: "{\"text\": "), "not valid JSON"),
            ("/v1/poems", ByteBuffer(string: "[1, 2]"), "expected"),
            ("/v1/poems", ByteBuffer(), "no body"),
            ("/v1/poems", json(["text": "月", "k": "5"]), "k"),
            ("/v1/poems", json(["text": 5]), "text"),
            ("/v1/poems", json(["k": 5]), "no query"),
            ("/v1/poems", json(["text": "月", "poem": "x"]), "only one"),
            ("/v1/poems", json(["text": "月", "k": 1001]), "k must be between 1 and 1000"),
            ("/v1/poems", json(["text": "月", "k": 0]), "k must be between"),
            ("/v1/poems", json(["text": "月", "nprobe": 5]), "nprobe 5 exceeds the 4 IVF lists"),
            ("/v1/poems", json(["text": "月", "nprobe": 2, "exact": true]), "exclude"),
            ("/v1/poems", json(["image": notJPEG]), "JPEG"),
            ("/v1/poems", json(["image": "***not base64***"]), "image"),
            ("/v1/poems", json(["image_file": "/etc/passwd"]), "image_file"),
            ("/v1/poems", json(["vector": [1, 2, 3]]), "dimension"),
            ("/v1/keywords", json(["text": "月", "diversity": 2]), "diversity"),
            ("/v1/images", json(["poem": "no-such-poem", "k": 2]), "no poem"),
            ("/v1/generate", json(["text": "月", "candidates": 65]), "candidates"),
            ("/v1/generate", json(["text": "月", "generator": "t5"]), "generator"),
            ("/v1/search", json(["collection": "poems", "vectors": [[1, 0], [1]]]), "components"),
            ("/v1/search", json(["collection": "poems", "vectors": []]), "no query vectors"),
            ("/v1/search", json(["vectors": [[1, 0]]]), "collection"),
            ("/v1/search", json(["collection": "../x", "vectors": [[1, 0]]]), "collection"),
        ]
        try await fixture.server().application().test(.router) { client in
            for (uri, body, words) in cases {
                let response = try await post(client, uri, body)
                let message = response.errorMessage ?? ""
                let expectedStatus: HTTPResponse.Status = words == "no poem" ? .notFound : .badRequest
                #expect(response.status == expectedStatus, "\(uri) \(String(buffer: body)): \(response.status) \(message)")
                #expect(message.localizedCaseInsensitiveContains(words), "\(uri) \(String(buffer: body)): \(message)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    /// Unknown fields are ignored (documented): clients that send more work.
    @Test func unknownFieldsAreIgnored() async throws {
        try await fixture.server().application().test(.router) { client in
            let response = try await post(client, "/v1/poems", json(["text": "月", "k": 2, "verbose": true, "colour": [1]]))
            #expect(response.status == .ok)
            #expect(try response.decode(PoemsResult.self).results.count == 2)
        }
    }

    @Test func bodiesOverTheCapAre413() async throws {
        let server = try fixture.server { $0.maxBodyBytes = 4096 }
        try await server.application().test(.router) { client in
            let big = json(["text": String(repeating: "月", count: 3000)])
            let response = try await post(client, "/v1/poems", big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorMessage?.contains("4096") == true)
            let small = try await post(client, "/v1/poems", json(["text": "月", "k": 1]))
            #expect(small.status == .ok)
        }
        // Over a real socket too, where the Content-Length says it first.
        try await withLiveServer(server) { port in
            let response = try await liveRequest(port: port, "/v1/poems", method: .post,
                                                 body: ByteBuffer(repeating: 0x20, count: 5000))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func imagesOverThePixelLimitAre400() async throws {
        let photo = Samples.bytes(Samples.images[0])
        try await fixture.server { $0.maxImagePixels = 10_000 }.application().test(.router) { client in
            let response = try await post(client, "/v1/keywords", json(["image": Data(photo).base64EncodedString()]))
            #expect(response.status == .badRequest)
            #expect(response.errorMessage?.contains("the server takes at most 10000") == true)
        }
    }

    @Test func multipartBodiesAreChecked() async throws {
        try await fixture.server().application().test(.router) { client in
            let noBoundary = try await post(client, "/v1/poems", ByteBuffer(string: "x"),
                                            headers: [.contentType: "multipart/form-data"])
            #expect(noBoundary.status == .badRequest)
            #expect(noBoundary.errorMessage?.contains("boundary") == true)
            let truncated = try await post(client, "/v1/poems", ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n月"),
                                           headers: [.contentType: "multipart/form-data; boundary=b"])
            #expect(truncated.status == .badRequest)
            let twice = multipart(image: Samples.bytes(Samples.images[0]), fields: ["image": "x"])
            let repeated = try await post(client, "/v1/poems", twice.body, headers: twice.headers)
            #expect(repeated.status == .badRequest)
            #expect(repeated.errorMessage?.contains("twice") == true)
            let gif = multipart(image: Array("GIF89a....".utf8))
            let notJPEG = try await post(client, "/v1/poems", gif.body, headers: gif.headers)
            #expect(notJPEG.status == .badRequest)
            // A text field that looks like a number stays a text.
            let digits = multipart(image: nil, fields: ["text": "1234", "k": "2"])
            let text = try await post(client, "/v1/poems", digits.body, headers: digits.headers)
            #expect(text.status == .ok)
        }
    }

    @Test func writesAreOffWithoutAToken() async throws {
        try await fixture.server().application().test(.router) { client in
            let add = try await post(client, "/v1/images/add", json(["image": "AAAA"]),
                                     headers: [.authorization: "Bearer anything-at-all-here"])
            #expect(add.status == .forbidden)
            let delete = try await client.execute(uri: "/v1/records", method: .delete,
                                                  body: json(["collection": "poems", "ids": ["x"]]))
            #expect(delete.status == .forbidden)
            #expect(delete.errorMessage?.contains("writes are turned off") == true)
        }
    }

    @Test func bearerTokensCompareWholly() {
        let token = BearerToken("s3cret-token-0123456789")
        #expect(token.accepts("Bearer s3cret-token-0123456789"))
        #expect(token.accepts("bearer s3cret-token-0123456789"))
        for header in [nil, "", "Bearer", "Bearer ", "Bearer s3cret-token-012345678", "Bearer s3cret-token-01234567890",
                       "Bearer S3cret-token-0123456789", "Basic s3cret-token-0123456789", "s3cret-token-0123456789"] {
            #expect(!token.accepts(header), "\(header ?? "nil")")
        }
        #expect(BearerToken.equal([], []))
        #expect(!BearerToken.equal([1], []))
        #expect(!BearerToken.equal(Array(repeating: 0, count: 256), []))
    }
}
