import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TihuaPoetry

/// An error answered as `{"error": "...", "kind": "..."}` with its status.
struct APIError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let message: String
    /// The façade's error kind, when the error came from it.
    let kind: String?
    var retryAfter: Int?
    /// Adds `WWW-Authenticate: Bearer` (a 401).
    var authenticate = false

    init(_ status: HTTPResponse.Status, _ message: String, kind: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.kind = kind
        self.retryAfter = retryAfter
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message, kind: "badInput") }

    /// A façade error with the status its kind maps to.
    init(_ error: PoetryError, retryAfter: Int) {
        let status: HTTPResponse.Status
        switch error.kind {
        case .badInput: status = .badRequest
        case .notFound: status = .notFound
        case .wrongModel, .notReady: status = .conflict
        case .readOnly: status = .forbidden
        case .busy: status = .serviceUnavailable
        case .unsupported: status = .notImplemented
        case .io, .corrupt: status = .internalServerError
        }
        self.init(status, Self.sentence(error), kind: error.kind.rawValue,
                  retryAfter: error.kind == .busy ? retryAfter : nil)
    }

    /// The message with the remedy in the server's words (no CLI flags).
    static func sentence(_ error: PoetryError) -> String {
        guard let remedy = error.remedy else { return error.message }
        switch remedy {
        case .embed: return error.message + " (the index needs `tihua embed` first)"
        case .addImages: return error.message + " (add images to the library first)"
        case .importRecords: return error.message + " (import them first)"
        case .chooseModel: return error.message + " (start the server with a model folder)"
        case .skipInvalid: return error.message
        case .upgradeIndex: return error.message + " (the index needs `tihua upgrade` first)"
        }
    }

    /// Any error as the server answers it.
    static func from(_ error: any Error, retryAfter: Int) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as PoetryError: return APIError(e, retryAfter: retryAfter)
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "the request body is larger than the server accepts", kind: "badInput")
        case let e as HTTPError:
            return APIError(e.status, e.body ?? e.status.reasonPhrase)
        case let e as any HTTPResponseError:
            return APIError(e.status, e.status.reasonPhrase)
        case is WorkGate.Refusal:
            return APIError(.serviceUnavailable, "the server is busy: too many requests are waiting; retry shortly",
                            kind: "busy", retryAfter: retryAfter)
        case let e as DecodingError:
            return .badRequest(JSONBody.describe(e))
        default:
            return APIError(.internalServerError, String(describing: error), kind: "io")
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if authenticate { headers[.wwwAuthenticate] = "Bearer" }
        var body: [String: String] = ["error": message]
        if let kind { body["kind"] = kind }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":"internal error"}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
