import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import NIOHTTP1

/// Request bodies: JSON (whatever the Content-Type says, as clip-retrieval's
/// clients send it without one), or `multipart/form-data` whose field `image`
/// holds the JPEG and whose other fields hold the JSON fields' values.
/// Unknown fields are ignored, so that clients that send more (ClipClient
/// sends `verbose`, `image_url`: null…) work unchanged.
enum JSONBody {
    /// The body, at most `limit` bytes (413 above).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "the request body has \(length) bytes; the server accepts at most \(limit)",
                           kind: "badInput")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is larger than the \(limit) bytes the server accepts",
                           kind: "badInput")
        }
    }

    /// The body decoded as `T`; `fastPath` may read a JSON body first, and
    /// `JSONDecoder` reads what it passes on (nil).
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int,
                                     fastPath: ((Data) -> T?)? = nil) async throws -> T {
        let body = try await collect(request, limit: limit)
        let json = try jsonBytes(body, contentType: request.headers[.contentType])
        if let fastPath, let value = fastPath(json) { return value }
        return try decode(type, from: json)
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: Data) throws -> T {
        guard !json.isEmpty else { throw APIError.badRequest("the request has no body; send a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: json)
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        }
    }

    /// JSON bytes of the body: as sent, or built from a multipart form.
    static func jsonBytes(_ body: ByteBuffer, contentType: String?) throws -> Data {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/") else {
            return Data(body.readableBytesView)
        }
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError.badRequest("multipart bodies must be multipart/form-data, not \(contentType)")
        }
        let fields = try formFields(body, contentType: contentType)
        var object: [String: Any] = [:]
        for (name, value) in fields {
            if name == "image" {
                object[name] = Data(value.readableBytesView).base64EncodedString()
            } else if let text = value.getString(at: value.readerIndex, length: value.readableBytes) {
                object[name] = formValue(name: name, text)
            } else {
                throw APIError.badRequest("form field '\(name)' is not UTF-8 text")
            }
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// Fields whose value is always a string; the others hold JSON values
    /// (`k=5`, `exact=true`), or a string when they do not parse as one.
    static let stringFields: Set<String> = ["text", "poem", "collection", "generator", "modality", "indice_name"]

    static func formValue(name: String, _ text: String) -> Any {
        if stringFields.contains(name) { return text }
        if let data = text.data(using: .utf8),
           let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            return value
        }
        return text
    }

    /// The named parts of a multipart/form-data body; a repeated name is an error.
    static func formFields(_ body: ByteBuffer, contentType: String) throws -> [(String, ByteBuffer)] {
        guard let boundary = parameter("boundary", of: contentType), !boundary.isEmpty, boundary.count <= 200 else {
            throw APIError.badRequest("the multipart/form-data Content-Type has no boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var current = ByteBuffer()
        var complete = false
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in current.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: current))
            headers = HTTPHeaders()
            current = ByteBuffer()
            complete = true
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError.badRequest("the multipart/form-data body is malformed")
        }
        guard complete else { throw APIError.badRequest("the multipart/form-data body has no complete part") }
        var fields: [(String, ByteBuffer)] = []
        for part in parts {
            guard let name = part.name, !name.isEmpty else {
                throw APIError.badRequest("a part of the multipart/form-data body has no name")
            }
            if fields.contains(where: { $0.0 == name }) {
                throw APIError.badRequest("form field '\(name)' is given twice")
            }
            fields.append((name, part.body))
        }
        return fields
    }

    /// `boundary` of `multipart/form-data; boundary="xyz"`.
    static func parameter(_ name: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
            }
        }
        return nil
    }

    /// A decoding error in one line: the field and what was wrong with it.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, _):
            return "missing field '\(key.stringValue)'"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, context.underlyingError != nil || context.debugDescription.contains("JSON") {
                return "the body is not valid JSON"
            }
            return context.codingPath.isEmpty ? context.debugDescription
                                              : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "the body does not have the expected fields"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is Float.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is Data.Type: return "base64 text"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : name.hasPrefix("Dictionary") ? "an object" : name
        }
    }
}
