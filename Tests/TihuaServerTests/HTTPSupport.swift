import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Testing
@testable import TihuaServer

/// A JSON body from a dictionary literal.
func json(_ object: Any) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

/// A multipart/form-data body: the JPEG as `image`, the other fields as text.
func multipart(image: [UInt8]?, fields: [String: String] = [:], boundary: String = "tihua-test-boundary")
    -> (headers: HTTPFields, body: ByteBuffer) {
    var body = ByteBuffer()
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }
    if let image {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
        body.writeBytes(image)
        body.writeString("\r\n")
    }
    body.writeString("--\(boundary)--\r\n")
    return ([.contentType: "multipart/form-data; boundary=\(boundary)"], body)
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// The `error` of a JSON error answer.
    var errorMessage: String? {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["error"] as? String
    }

    var object: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) }
}

/// POSTs JSON (or any body) and returns the response.
func post(_ client: some TestClientProtocol, _ uri: String, _ body: ByteBuffer,
          headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .post, headers: headers, body: body)
}

/// Runs `server` on a real socket for `test`, which gets its port, then
/// shuts it down gracefully. HummingbirdTesting's `.live` client gives up
/// reading after 20 s, which a machine busy with the rest of the suite (and
/// other builds) exceeds; `liveRequest` waits as long as the answer takes.
func withLiveServer<T: Sendable>(_ server: TihuaServer, _ test: @Sendable (Int) async throws -> T) async throws -> T {
    let listening = AsyncStream<Int>.makeStream()
    let group = ServiceGroup(configuration: .init(
        services: [server.application { listening.continuation.yield($0) }], logger: server.logger))
    let running = Task { try await group.run() }
    var ports = listening.stream.makeAsyncIterator()
    guard let port = await ports.next() else {
        running.cancel()
        throw TestServerFailure(description: "the server stopped before it listened")
    }
    let result: Result<T, any Error>
    do { result = .success(try await test(port)) } catch { result = .failure(error) }
    await group.triggerGracefulShutdown()
    try await running.value
    return try result.get()
}

/// One request on a connection of its own, with no read timeout to trip.
func liveRequest(port: Int, _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:],
                 body: ByteBuffer? = nil) async throws -> TestClient.Response {
    try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(3600))) { client in
        try await client.execute(TestClient.Request(uri, method: method, authority: "127.0.0.1:\(port)",
                                                    headers: headers, body: body))
    }
}

struct TestServerFailure: Error, CustomStringConvertible { let description: String }
