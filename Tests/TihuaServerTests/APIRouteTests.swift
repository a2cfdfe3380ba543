import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TihuaPoetry
@testable import TihuaServer

@Suite struct APIRouteTests {
    let fixture = ServerFixture.shared
    var engine: TihuaEngine { fixture.engine }

    @Test func healthAndCollections() async throws {
        try await fixture.server().application().test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(try health.decode([String: String].self) == ["status": "ok"])
            let collections = try await client.execute(uri: "/v1/collections", method: .get)
            #expect(collections.status == .ok)
            let stats = try collections.decode([CollectionStats].self)
            #expect(stats == (try engine.stats()))
            #expect(stats.map(\.collection) == ["images", "keywords", "poems"])
            #expect(stats.first { $0.collection == "poems" }?.ivf?.lists == 4)
        }
    }

    @Test func keywordsPoemsAndImagesAnswerAsTheFacade() async throws {
        let photo = Samples.bytes(Samples.images[1])
        try await fixture.server().application().test(.router) { client in
            // A text, base64 JSON and a multipart upload of the same photo.
            let text = try await post(client, "/v1/keywords", json(["text": "明月松间照", "k": 5, "diversity": 0.5]))
            #expect(text.status == .ok)
            #expect(try text.decode(KeywordsResult.self)
                    == (try engine.keywords(KeywordsRequest(query: .text("明月松间照"), k: 5, diversity: 0.5))))

            let expected = try engine.poems(PoemsRequest(query: .jpeg(photo), k: 6, method: .init(exact: true)))
            #expect(expected.results.count == 6)
            let b64 = try await post(client, "/v1/poems",
                                     json(["image": Data(photo).base64EncodedString(), "k": 6, "exact": true]))
            #expect(b64.status == .ok)
            expectSame(try b64.decode(PoemsResult.self).results, expected.results)
            let form = multipart(image: photo, fields: ["k": "6", "exact": "true"])
            let upload = try await post(client, "/v1/poems", form.body, headers: form.headers)
            #expect(upload.status == .ok)
            expectSame(try upload.decode(PoemsResult.self).results, expected.results)

            // A vector and a stored poem need no model; IVF with nprobe.
            let vector = try engine.encode(.text("江上")).embedding
            let byVector = try await post(client, "/v1/poems", json(["vector": vector, "k": 3, "nprobe": 2]))
            // Scores within rounding: the SIMD kernels and OpenBLAS may sum in
            // another order when other searches run at the same time.
            #expect(byVector.status == .ok)
            expectSame(try byVector.decode(PoemsResult.self).results,
                       try engine.poems(PoemsRequest(query: .vector(vector), k: 3, method: .init(nprobe: 2))).results)

            let poemID = expected.results[0].id
            let images = try await post(client, "/v1/images", json(["poem": poemID, "k": 2]))
            #expect(images.status == .ok)
            let found = try images.decode(ImagesResult.self)
            #expect(found == (try engine.images(ImagesRequest(query: .poem(poemID), k: 2))))
            #expect(found.results.count == 2)
        }
    }

    @Test func generateWritesACentoWithSources() async throws {
        try await fixture.server().application().test(.router) { client in
            let response = try await post(client, "/v1/generate", json(["text": "山水", "seed": 3, "candidates": 8]))
            #expect(response.status == .ok)
            let result = try response.decode(GenerateResult.self)
            #expect(result == (try engine.generate(GenerateRequest(query: .text("山水"), seed: 3, candidates: 8))))
            #expect(result.candidates == 8)
            if let poem = result.poem {
                #expect(poem.lines.count == 4)
                #expect(poem.lines.allSatisfy { $0.source != nil })
            }
        }
    }

    /// Given keywords alone are a query; the answer is the façade's for them.
    @Test func generateTakesGivenKeywords() async throws {
        try await fixture.server().application().test(.router) { client in
            let response = try await post(client, "/v1/generate", json(["keywords": ["山", "月"], "seed": 5, "candidates": 4]))
            #expect(response.status == .ok, "\(response.errorMessage ?? "")")
            let result = try response.decode(GenerateResult.self)
            #expect(result == (try engine.generate(GenerateRequest(keywords: ["山", "月"], seed: 5, candidates: 4))))
            let empty = try await post(client, "/v1/generate", json(["keywords": [String](), "candidates": 4]))
            #expect(empty.status == .badRequest)
            let long = try await post(client, "/v1/generate", json(["keywords": [String(repeating: "山", count: 40)]]))
            #expect(long.status == .badRequest)
        }
    }

    @Test func searchAnswersEveryQueryVector() async throws {
        let a = try engine.encode(.text("春风")).embedding
        let b = try engine.encode(.text("落日")).embedding
        try await fixture.server().application().test(.router) { client in
            let response = try await post(client, "/v1/search",
                                           json(["collection": "keywords", "vectors": [a, b], "k": 4, "exact": true]))
            #expect(response.status == .ok)
            let results = try response.decode(SearchResults.self)
            #expect(results.results.count == 2)
            #expect(results == (try engine.search(SearchRequest(
                collection: "keywords", vectors: try VectorBatch(rows: [a, b]), k: 4, method: .init(exact: true)))))
            let top = try #require(results.results[0].first)
            #expect(abs(top.score - 1) > -1 && top.id.count > 0)
        }
    }

    @Test func imageFilesAreServedOnlyWhenRegistered() async throws {
        let registered = try #require(try engine.images(ImagesRequest(query: .text("山"), k: 3)).results.first?.id)
        try await fixture.server().application().test(.router) { client in
            let escaped = registered.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let ok = try await client.execute(uri: "/v1/images/file?id=\(escaped)", method: .get)
            #expect(ok.status == .ok)
            #expect(ok.headers[.contentType] == "image/jpeg")
            #expect(Array(ok.body.readableBytesView) == Samples.bytes(registered))
            // Anything else on the disk, a registered folder's neighbour, a traversal: not found.
            for id in ["/etc/passwd", Samples.root + "/images/../ccpc/keywords.txt", Samples.clipFolder + "/config.json",
                       registered + "/..", "relative.jpg"] {
                let e = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let refused = try await client.execute(uri: "/v1/images/file?id=\(e)", method: .get)
                #expect(refused.status == .notFound, "\(id)")
                #expect(refused.errorMessage?.contains("no image") == true)
            }
            let missing = try await client.execute(uri: "/v1/images/file", method: .get)
            #expect(missing.status == .badRequest)
        }
    }

    @Test func metricsCountRequestsPerRoute() async throws {
        try await fixture.server().application().test(.router) { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            _ = try await post(client, "/v1/poems", json(["text": "月", "k": 2]))
            _ = try await post(client, "/v1/poems", json(["text": "月", "k": 0]))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"tihua_http_requests_total{route="/v1/poems",method="POST",status="200"} 1"#))
            #expect(text.contains(#"tihua_http_requests_total{route="/v1/poems",method="POST",status="400"} 1"#))
            #expect(text.contains(#"tihua_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains("tihua_http_request_duration_seconds_bucket{route=\"/v1/poems\""))
            // Both texts were embedded, each in a pass of its own (the façade checks k after).
            #expect(text.contains("tihua_model_pass_seconds_count 2"))
            #expect(text.contains("tihua_model_pass_batch_queries_count 2"))
            #expect(text.contains("tihua_model_queue_depth 0.0"))
        }
    }

    @Test func thePageAndItsFilesAreServed() async throws {
        try await fixture.server().application().test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("/app.js") && html.contains("/style.css") && html.contains("file-input"))
            #expect(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from elsewhere")
            for (path, type) in [("/app.js", "text/javascript"), ("/style.css", "text/css")] {
                let file = try await client.execute(uri: path, method: .get)
                #expect(file.status == .ok)
                #expect(file.headers[.contentType]?.hasPrefix(type) == true)
                #expect(!String(buffer: file.body).contains("https://"))
            }
            let unknown = try await client.execute(uri: "/nothing/here", method: .get)
            #expect(unknown.status == .notFound)
        }
    }
}

/// The same poems, scores within float noise (an image pass may sum in
/// another order when OpenBLAS's threads split it differently).
func expectSame(_ found: [PoemHit], _ expected: [PoemHit], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(found.map(\.id) == expected.map(\.id), sourceLocation: sourceLocation)
    #expect(found.map(\.lines) == expected.map(\.lines), sourceLocation: sourceLocation)
    for (f, e) in zip(found, expected) { #expect(abs(f.score - e.score) < 1e-5, sourceLocation: sourceLocation) }
}
