import Foundation

/// How `TihuaServer` listens and what it allows.
public struct ServerConfiguration: Sendable {
    /// The address to bind; loopback unless said otherwise.
    public var host = "127.0.0.1"
    /// The port; 0 takes a free one (see `TihuaServer.run(onListening:)`).
    public var port = 8080
    /// The bearer token that allows writes; nil turns writes off.
    public var writeToken: String?
    /// Where uploaded photos are written (`POST /v1/images/add`); nil for
    /// `uploads` inside the index folder.
    public var uploadFolder: String?
    /// The largest request body, in bytes (413 above it).
    public var maxBodyBytes = 16 << 20
    /// The largest uploaded JPEG, in pixels (width × height).
    public var maxImagePixels = 40_000_000
    /// A request still running after this is answered 504.
    public var requestTimeout: Duration = .seconds(60)
    /// Model forward passes at once. With `threadsPerPass` it is chosen so
    /// that passes × BLAS threads ≤ cores.
    public var modelPasses = 1
    /// Requests that may wait for a forward pass before 503.
    public var modelQueue = 16
    /// Text and photo queries embedded together in one forward pass at most
    /// (the queries of concurrent requests; see `QueryBatcher`).
    public var maxBatch = 8
    /// Under load, how long a pass waits for its batch to fill (see `QueryBatcher`).
    public var batchWindow: Duration = .milliseconds(10)
    /// Reads (searches, documents, files) at once, and how many may wait.
    public var readers = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    public var readQueue = 256
    /// The `Retry-After` of a 503, in seconds.
    public var retryAfterSeconds = 1

    public init() {}

    /// The token file's first line, trimmed; an empty or unreadable file is
    /// an error, so that writes are never open by mistake.
    public static func token(fromFile path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerError.setup("cannot read the token file \(path)")
        }
        guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else {
            throw ServerError.setup("the token file \(path) is not a short UTF-8 text")
        }
        let token = text.components(separatedBy: .newlines).first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard token.count >= 16 else {
            throw ServerError.setup("the token in \(path) is shorter than 16 characters")
        }
        return token
    }
}

/// Why a server could not start.
public enum ServerError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): return message
        }
    }
}
