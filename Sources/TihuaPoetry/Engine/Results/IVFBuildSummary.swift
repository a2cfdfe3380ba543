/// What an IVF build did: `{"collection","lists","vectors","trained_on",
/// "iterations","seconds","training_seconds","writing_seconds",
/// "list_sizes":{"min","median","mean","max","empty"}}`.
public struct IVFBuildSummary: Codable, Sendable, Equatable {
    public struct Sizes: Codable, Sendable, Equatable {
        public let min: Int
        public let median: Int
        public let mean: Double
        public let max: Int
        public let empty: Int
    }

    public let collection: String
    public let lists: Int
    public let vectors: Int
    public let trainedOn: Int
    public let iterations: Int
    /// Seconds, rounded to the millisecond.
    public let seconds: Double
    public let trainingSeconds: Double
    public let writingSeconds: Double
    public let listSizes: Sizes

    enum CodingKeys: String, CodingKey {
        case collection, lists, vectors, trainedOn = "trained_on", iterations, seconds
        case trainingSeconds = "training_seconds", writingSeconds = "writing_seconds", listSizes = "list_sizes"
    }
}
