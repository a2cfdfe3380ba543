import Foundation
import TihuaModels
import TihuaPoetry

/// The photos the server reads and writes. It reads only files that the
/// index registered as images (their ids are their paths), and only JPEGs;
/// a path that a client sends is never opened otherwise.
enum ImageFiles {
    /// The largest file `GET /v1/images/file` answers with.
    static let maxFileBytes = 64 << 20

    /// The bytes of image `id`, if the index holds it and it is a JPEG file.
    static func registeredJPEG(_ id: String, engine: TihuaEngine) throws -> [UInt8] {
        guard try engine.contains([id], in: BuiltinCollection.images) == [true] else {
            throw APIError(.notFound, "no image '\(id)' in the library", kind: "notFound")
        }
        let fd = open(id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw APIError(.notFound, "the file of image '\(id)' cannot be read: \(String(cString: strerror(errno)))",
                           kind: "notFound")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw APIError(.notFound, "image '\(id)' is not a regular file", kind: "notFound")
        }
        let size = Int(info.st_size)
        guard size <= maxFileBytes else {
            throw APIError(.internalServerError, "the file of image '\(id)' has \(size) bytes, more than \(maxFileBytes)",
                           kind: "io")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        guard done == size, size >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else {
            throw APIError(.notFound, "the file of image '\(id)' is not a JPEG", kind: "notFound")
        }
        return bytes
    }

    /// A JPEG header within `maxPixels`, or a 400 naming what is wrong.
    static func checkUpload(_ bytes: [UInt8], maxPixels: Int) throws {
        let info: JPEGInfo
        do {
            info = try JPEGDecoder.info(bytes, source: "the image")
        } catch {
            // A JPEG that libjpeg cannot take (over 65500 pixels a side,
            // arithmetic coding…) is the client's to change: 415, not 501.
            let wrapped = PoetryError(wrapping: error)
            guard wrapped.kind == .unsupported else { throw APIError(wrapped, retryAfter: 1) }
            throw APIError(.unsupportedMediaType, APIError.sentence(wrapped), kind: wrapped.kind.rawValue)
        }
        guard info.width * info.height <= maxPixels else {
            throw APIError.badRequest("the image has \(info.width)×\(info.height) pixels; the server takes at most \(maxPixels)")
        }
    }

    /// Writes an uploaded JPEG into `folder` under a fresh name (never one
    /// the client chose) and returns its path.
    static func store(_ bytes: [UInt8], in folder: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let name = UUID().uuidString.lowercased() + ".jpg"
            let path = URL(fileURLWithPath: folder).standardizedFileURL.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: [.withoutOverwriting])
            return path
        } catch {
            throw APIError(.internalServerError, "cannot store the upload in \(folder): \(error.localizedDescription)",
                           kind: "io")
        }
    }
}
