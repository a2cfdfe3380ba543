import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TihuaPoetry
@testable import TihuaServer

/// Requests made to hurt: broken JPEGs, pathological JSON, path tricks and
/// huge bodies over a real socket. Each gets a 4xx with a message, and the
/// server keeps answering afterwards.
@Suite struct HostileRequestTests {
    let fixture = ServerFixture.shared

    /// JPEGs whose header passes or nearly passes: truncated, garbage after
    /// the markers, zero-sized, absurd dimensions. Each is a 400 naming the
    /// image, through JSON and through multipart, on every route that takes one.
    @Test func brokenJPEGsAre400() async throws {
        let photo = Samples.bytes(Samples.images[0])
        var zeroSize = photo
        var hugeSize = photo
        // The SOF0/SOF2 marker's height and width: set them to 0 and to 65535.
        if let sof = (0..<(photo.count - 9)).first(where: { photo[$0] == 0xFF && (photo[$0 + 1] == 0xC0 || photo[$0 + 1] == 0xC2) }) {
            for i in sof + 5...sof + 8 { zeroSize[i] = 0; hugeSize[i] = 0xFF }
        }
        var garbage = Array(photo.prefix(20))
        var generator = SplitMix(seed: 9)
        for _ in 0..<4000 { garbage.append(UInt8(truncatingIfNeeded: generator.next())) }
        let broken: [(String, [UInt8])] = [
            ("truncated to a third", Array(photo.prefix(photo.count / 3))),
            ("header only", Array(photo.prefix(200))),
            ("SOI only", [0xFF, 0xD8, 0xFF]),
            ("random bytes after the header", garbage),
            ("zero width and height", zeroSize),
            ("65535 × 65535", hugeSize),
            ("empty", []),
        ]
        try await fixture.server().application().test(.router) { client in
            for (what, bytes) in broken {
                let base64 = Data(bytes).base64EncodedString()
                for (uri, body) in [("/v1/poems", json(["image": base64, "k": 2])),
                                    ("/v1/keywords", json(["image": base64])),
                                    ("/v1/images", json(["image": base64])),
                                    ("/v1/generate", json(["image": base64])),
                                    ("/knn-service", json(["image": base64, "modality": "text", "num_images": 2,
                                                           "indice_name": "default"]))] {
                    let response = try await post(client, uri, body)
                    // An empty image is no query at all (400 too); one over
                    // libjpeg's 65500 pixels a side is 415.
                    #expect(response.status == (what == "65535 × 65535" ? .unsupportedMediaType : .badRequest), "\(what) \(uri): \(response.status) \(response.errorMessage ?? "")")
                    #expect(response.errorMessage?.isEmpty == false, "\(what) \(uri)")
                }
                if !bytes.isEmpty {
                    let form = multipart(image: bytes, fields: ["k": "2"])
                    let response = try await post(client, "/v1/poems", form.body, headers: form.headers)
                    #expect((400..<500).contains(response.status.code), "\(what) multipart: \(response.status)")
                }
            }
            let healthy = try await client.execute(uri: "/healthz", method: .get)
            #expect(healthy.status == .ok)
        }
    }

    /// JSON made to exhaust the decoder or the numbers: deep nesting, huge
    /// and fractional numbers, duplicate keys, a number where a vector
    /// goes, control bytes, invalid UTF-8.
    @Test func pathologicalJSONIs400() async throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let cases: [(String, ByteBuffer)] = [
            ("/v1/poems", ByteBuffer(string: "{\"vector\": \(deep)}")),
            ("/v1/search", ByteBuffer(string: "{\"collection\":\"poems\",\"vectors\": \(deep)}")),
            ("/v1/poems", ByteBuffer(string: "{\"text\":\"月\",\"k\":1e300}")),
            ("/v1/poems", ByteBuffer(string: "{\"text\":\"月\",\"k\":2.5}")),
            ("/v1/poems", ByteBuffer(string: "{\"text\":\"月\",\"k\":-1}")),
            ("/v1/poems", ByteBuffer(string: "{\"text\":\"月\",\"k\":99999999999999999999999}")),
            ("/v1/poems", ByteBuffer(string: "{\"vector\":[1e39, 0]}")),
            ("/v1/search", ByteBuffer(string: "{\"collection\":\"poems\",\"vectors\":5}")),
            ("/v1/search", ByteBuffer(string: "{\"collection\":\"poems\",\"vectors\":[[\"a\"]]}")),
            ("/v1/poems", ByteBuffer(bytes: Array("{\"text\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8))),
            ("/v1/poems", ByteBuffer(string: "{\"text\":\"\u{0}\u{1}\"")),
            ("/v1/poems", ByteBuffer(string: "null")),
            ("/v1/poems", ByteBuffer(string: "\"text\"")),
            ("/knn-service", ByteBuffer(string: "{\"text\":\"月\",\"modality\":\"text\",\"num_images\":1e9,\"indice_name\":\"default\"}")),
            ("/knn-service", ByteBuffer(string: "{\"embedding_input\":[1,2],\"modality\":\"text\",\"num_images\":2,\"indice_name\":\"default\"}")),
            ("/knn-service", ByteBuffer(string: "{\"text\":\"月\",\"modality\":\"audio\",\"num_images\":2,\"indice_name\":\"default\"}")),
            ("/metadata", ByteBuffer(string: "{\"ids\":\"x\",\"indice_name\":\"default\"}")),
            ("/v1/images/add", ByteBuffer(string: "{")),
        ]
        try await fixture.server().application().test(.router) { client in
            for (uri, body) in cases {
                let response = try await post(client, uri, body)
                let text = String(buffer: body).prefix(80)
                #expect((400..<500).contains(response.status.code), "\(uri) \(text): \(response.status)")
                #expect(response.errorMessage?.isEmpty == false, "\(uri) \(text)")
            }
            let healthy = try await client.execute(uri: "/healthz", method: .get)
            #expect(healthy.status == .ok)
        }
    }

    /// Paths the router does not know, dot segments and encoded traversals
    /// never reach a file: 404, and the only file route reads registered images.
    @Test func pathTricksReachNoFile() async throws {
        try await withLiveServer(try fixture.server()) { port in
            for uri in ["/../../etc/passwd", "/v1/images/file/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                        "//etc/passwd", "/v1/images/file?id=%2Fetc%2Fpasswd", "/v1/images/file?id=..%2F..%2Fetc%2Fpasswd",
                        "/v1/images/file?id=\(Samples.root.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)%2Fimages",
                        "/v1/images/file?id=%00", "/style.css/../../etc/passwd", "/app.js?x=/etc/passwd&id=/etc/passwd"] {
                let response = try await liveRequest(port: port, uri)
                let body = response.body.map { String(buffer: $0) } ?? ""
                #expect(!body.contains("root:"), "\(uri)")
                if uri.hasPrefix("/app.js") {
                    #expect(response.status == .ok)
                } else {
                    #expect(response.status == .notFound || response.status == .badRequest, "\(uri): \(response.status)")
                }
            }
            let healthy = try await liveRequest(port: port, "/healthz")
            #expect(healthy.status == .ok)
        }
    }

    /// Over a real socket: bodies far over the cap, JSON or multipart, on
    /// every route that reads one, are 413; the server answers the next request.
    @Test func hugeBodiesOverASocketAre413() async throws {
        let server = try fixture.server { $0.maxBodyBytes = 64 << 10 }
        try await withLiveServer(server) { port in
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4 << 20)
            for uri in ["/v1/poems", "/knn-service", "/v1/search", "/metadata"] {
                let response = try await liveRequest(port: port, uri, method: .post, body: huge)
                #expect(response.status == .contentTooLarge, "\(uri): \(response.status)")
            }
            let multipartHuge = multipart(image: Array(repeating: 0xFF, count: 1 << 20))
            let response = try await liveRequest(port: port, "/v1/poems", method: .post, headers: multipartHuge.headers,
                                                 body: multipartHuge.body)
            #expect(response.status == .contentTooLarge)
            let small = try await liveRequest(port: port, "/v1/poems", method: .post,
                                              headers: [.contentType: "application/json"], body: json(["text": "月", "k": 1]))
            #expect(small.status == .ok)
        }
    }
}

/// A small deterministic generator for test bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
