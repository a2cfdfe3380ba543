import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TihuaPoetry
@testable import TihuaServer

/// clip-retrieval's routes, with the bodies its ClipClient (clip_client.py,
/// clip-retrieval 2.45.0) and its front end (clip-service.js) send: the
/// ClipClient posts `json.dumps({...})` with no Content-Type and every
/// option, null where unused; the front end posts a text/plain string.
@Suite struct ClipRetrievalTests {
    let fixture = ServerFixture.shared
    var engine: TihuaEngine { fixture.engine }

    /// What ClipClient.__search_knn_api__ sends, field for field.
    func clipClientBody(text: String? = nil, image: String? = nil, imageURL: String? = nil, embedding: [Float]? = nil,
                        modality: String, numImages: Int) -> ByteBuffer {
        json([
            "text": text as Any? ?? NSNull(), "image": image as Any? ?? NSNull(), "image_url": imageURL as Any? ?? NSNull(),
            "embedding_input": embedding as Any? ?? NSNull(), "deduplicate": true, "use_safety_model": true,
            "use_violence_detector": true, "indice_name": "default", "use_mclip": false, "aesthetic_score": 9,
            "aesthetic_weight": 0.5, "modality": modality, "num_images": numImages, "num_result_ids": numImages,
        ])
    }

    @Test func indicesList() async throws {
        try await fixture.server().application().test(.router) { client in
            let response = try await client.execute(uri: "/indices-list", method: .get)
            #expect(response.status == .ok)
            #expect(try response.decode([String].self) == ["default"])
        }
    }

    @Test func knnServiceAnswersTextQueriesWithPoems() async throws {
        try await fixture.server().application().test(.router) { client in
            let response = try await client.execute(uri: "/knn-service", method: .post,
                                                    body: clipClientBody(text: "明月", modality: "text", numImages: 5))
            #expect(response.status == .ok)
            let items = try #require(response.object as? [[String: Any]])
            let expected = try engine.poems(PoemsRequest(query: .text("明月"), k: 5)).results
            #expect(items.map { $0["id"] as? String } == expected.map(\.id))
            let similarities = items.compactMap { ($0["similarity"] as? NSNumber)?.floatValue }
            #expect(similarities.count == 5 && similarities == similarities.sorted(by: >))
            for (item, hit) in zip(items, expected) {
                #expect(abs(((item["similarity"] as? NSNumber)?.floatValue ?? 9) - hit.score) < 1e-6)
                #expect(item["caption"] as? String == hit.lines.joined(separator: "，") + "。")
            }
        }
    }

    @Test func knnServiceAnswersImageQueriesWithImages() async throws {
        let photo = Samples.bytes(Samples.images[0])
        try await fixture.server().application().test(.router) { client in
            // Image modality over the images; the first num_images carry image_path and url.
            var body = clipClientBody(image: Data(photo).base64EncodedString(), modality: "image", numImages: 2)
            body = json(((try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as! [String: Any])
                .merging(["num_result_ids": 3]) { $1 }))
            let response = try await client.execute(uri: "/knn-service", method: .post, body: body)
            #expect(response.status == .ok)
            let items = try #require(response.object as? [[String: Any]])
            let expected = try engine.images(ImagesRequest(query: .jpeg(photo), k: 3)).results
            #expect(items.map { $0["id"] as? String } == expected.map(\.id))
            #expect(items[0]["image_path"] as? String == expected[0].id)
            let url = try #require(items[0]["url"] as? String)
            #expect(url.contains("/v1/images/file?id="))
            #expect(URLComponents(string: url)?.queryItems?.first { $0.name == "id" }?.value == expected[0].id)
            #expect(items[1]["url"] != nil && items[2]["url"] == nil && items[2]["image_path"] == nil)

            // The url serves the file.
            let path = String(url[url.range(of: "/v1/")!.lowerBound...])
            let file = try await client.execute(uri: path, method: .get)
            #expect(Array(file.body.readableBytesView) == Samples.bytes(expected[0].id))

            // The front end's call: a text/plain body, text modality → poems for the photo.
            let front = ByteBuffer(string: #"{"text":"","image":"\#(Data(photo).base64EncodedString())","image_url":null,"modality":"text","num_images":3,"indice_name":"default","num_result_ids":3,"use_mclip":false,"deduplicate":true,"use_safety_model":false}"#)
            let poems = try await client.execute(uri: "/knn-service", method: .post,
                                                 headers: [.contentType: "text/plain;charset=UTF-8"], body: front)
            #expect(poems.status == .ok)
            let poemItems = try #require(poems.object as? [[String: Any]])
            #expect(poemItems.map { $0["id"] as? String }
                    == (try engine.poems(PoemsRequest(query: .jpeg(photo), k: 3))).results.map(\.id))
        }
    }

    @Test func knnServiceTakesEmbeddingsAndAcceptsTheNoOpOptions() async throws {
        let vector = try engine.encode(.text("江")).embedding
        try await fixture.server().application().test(.router) { client in
            let response = try await client.execute(uri: "/knn-service", method: .post,
                                                    body: clipClientBody(embedding: vector, modality: "text", numImages: 3))
            #expect(response.status == .ok)
            let items = try #require(response.object as? [[String: Any]])
            #expect(items.map { $0["id"] as? String }
                    == (try engine.poems(PoemsRequest(query: .vector(vector), k: 3))).results.map(\.id))
            // The six options with the types clip-retrieval's back end also takes ("" for none).
            let odd = json(["text": "江", "modality": "text", "num_images": 2, "indice_name": NSNull(),
                            "aesthetic_score": "", "aesthetic_weight": "", "deduplicate": 1, "use_mclip": "no",
                            "use_safety_model": NSNull(), "use_violence_detector": [1]])
            let accepted = try await client.execute(uri: "/knn-service", method: .post, body: odd)
            #expect(accepted.status == .ok)
        }
    }

    @Test func knnServiceRefusesWhatItCannotDo() async throws {
        let cases: [(ByteBuffer, HTTPResponse.Status, String)] = [
            (clipClientBody(imageURL: "http://example.com/a.jpg", modality: "image", numImages: 2), .badRequest,
             "image_url is not supported"),
            (clipClientBody(modality: "image", numImages: 2), .badRequest, "no query"),
            (clipClientBody(text: "月", modality: "video", numImages: 2), .badRequest, "modality"),
            (clipClientBody(text: "月", modality: "text", numImages: 1001), .badRequest, "num_images"),
            (json(["text": "月", "modality": "text", "num_images": 2]), .badRequest, "indice_name"),
            (json(["text": "月", "num_images": 2, "indice_name": "default"]), .badRequest, "modality"),
            (json(["text": "月", "modality": "text", "num_images": 2, "indice_name": "laion5B"]), .notFound, "laion5B"),
            (json(["text": "月", "modality": "text", "num_images": "2", "indice_name": "default"]), .badRequest, "num_images"),
        ]
        try await fixture.server().application().test(.router) { client in
            for (body, status, words) in cases {
                let response = try await client.execute(uri: "/knn-service", method: .post, body: body)
                #expect(response.status == status, "\(String(buffer: body))")
                #expect(response.errorMessage?.contains(words) == true, "\(response.errorMessage ?? "")")
            }
        }
    }

    @Test func metadataAnswersPoemsImagesAndUnknownIds() async throws {
        let poem = try engine.poems(PoemsRequest(query: .text("山"), k: 1)).results[0]
        let image = try engine.images(ImagesRequest(query: .text("山"), k: 1)).results[0].id
        try await fixture.server().application().test(.router) { client in
            let response = try await client.execute(uri: "/metadata", method: .post,
                                                    body: json(["ids": [poem.id, image, "nothing", 42], "indice_name": "default"]))
            #expect(response.status == .ok)
            let items = try #require(response.object as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [poem.id, image, "nothing", "42"])
            let first = try #require(items[0]["metadata"] as? [String: Any])
            #expect(first["caption"] as? String == poem.lines.joined(separator: "，") + "。")
            #expect(first["title"] as? String == poem.title)
            let second = try #require(items[1]["metadata"] as? [String: Any])
            #expect(second["image_path"] as? String == image)
            #expect((items[2]["metadata"] as? [String: Any])?.isEmpty == true)
            let empty = try await client.execute(uri: "/metadata", method: .post, body: json(["ids": [], "indice_name": "default"]))
            #expect(try empty.decode([String].self) == [])
        }
    }

    @Test func corsLetsTheFrontEndCall() async throws {
        try await fixture.server().application().test(.router) { client in
            let preflight = try await client.execute(uri: "/knn-service", method: .options,
                                                     headers: [.origin: "https://rom1504.github.io",
                                                               .accessControlRequestMethod: "POST"])
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            let list = try await client.execute(uri: "/indices-list", method: .get, headers: [.origin: "https://x.test"])
            #expect(list.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
