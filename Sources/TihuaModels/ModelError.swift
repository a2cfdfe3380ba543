/// The one error type of TihuaModels: what went wrong and where (file,
/// tensor name, byte offset, config key), in one line.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case io            // a file could not be read
        case notFound      // a file, folder or tensor the model needs is absent
        case format        // bytes that do not follow their format (safetensors, zip, pickle, JSON, JPEG)
        case unsupported   // a valid setting or layout this implementation does not run
        case shape         // a tensor or input whose size disagrees with the config
        case invalidInput  // a caller's argument that cannot be used
        case numerical     // a forward pass produced NaN, infinity or a zero vector
        case outOfMemory   // an allocation failed
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
