import Foundation
import Hummingbird
import NIOCore

/// Answers in JSON, encoded as the CLI's `--json` output is (sorted keys,
/// slashes unescaped).
enum JSONAnswer {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        response(json: ByteBuffer(bytes: try encode(value)), status: status)
    }

    /// An answer whose JSON bytes are already written.
    static func response(json: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: json))
    }
}
