/// An IVF build of a collection: `{collection, lists, train_size, iterations}`.
public struct IVFBuildRequest: Codable, Sendable, Equatable {
    public var collection: String
    /// Lists (1…`EngineLimits.maxLists`, at most the vectors); nil for ≈ 4·√n.
    public var lists: Int?
    /// Vectors to train on (1…`EngineLimits.maxTrainSize`); nil for 256 a list.
    public var trainSize: Int?
    /// k-means iterations (1…`EngineLimits.maxIterations`).
    public var iterations: Int

    public static let defaultIterations = 10

    public init(collection: String, lists: Int? = nil, trainSize: Int? = nil, iterations: Int = defaultIterations) {
        self.collection = collection
        self.lists = lists
        self.trainSize = trainSize
        self.iterations = iterations
    }

    enum CodingKeys: String, CodingKey { case collection, lists, trainSize = "train_size", iterations }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        collection = try c.decode(String.self, forKey: .collection)
        lists = try c.decodeIfPresent(Int.self, forKey: .lists)
        trainSize = try c.decodeIfPresent(Int.self, forKey: .trainSize)
        iterations = try c.decode(.iterations, default: Self.defaultIterations)
    }

    func validate() throws(PoetryError) {
        if let l = lists { try EngineLimits.check("lists", l, 1...EngineLimits.maxLists) }
        if let t = trainSize { try EngineLimits.check("train size", t, 1...EngineLimits.maxTrainSize) }
        try EngineLimits.check("iterations", iterations, 1...EngineLimits.maxIterations)
    }
}
