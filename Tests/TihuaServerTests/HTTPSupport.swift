import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

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
