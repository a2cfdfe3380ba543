import Foundation

/// A fresh temporary folder for one test, removed with everything in it
/// when the object is released.
public final class TemporaryFolder: Sendable {
    public let path: String

    public init(_ prefix: String = "tihua-test") {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = file(name)
        try! Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Writes `text` (UTF-8) to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        write(name, Array(text.utf8))
    }
}
