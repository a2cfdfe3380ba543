/// The error type of TihuaPoetry: what was wrong and where (file and line
/// or record, poem id, model folder), in one line.
public struct PoetryError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
