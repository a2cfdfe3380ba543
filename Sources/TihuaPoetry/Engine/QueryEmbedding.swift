/// A query's embedding made beforehand, with the identity of the model
/// whose space it is in: what `TihuaEngine.embed(_:)` returns for a batch of
/// queries, and what the query operations take in place of embedding their
/// query again (a server embeds the photos that arrive together in one pass,
/// then answers each request on its own).
public struct QueryEmbedding: Sendable, Equatable {
    public let vector: [Float]
    public let model: String

    public init(vector: [Float], model: String) {
        self.vector = vector
        self.model = model
    }
}
