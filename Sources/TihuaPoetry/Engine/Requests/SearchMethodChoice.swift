import TihuaSearch

/// `exact` or `nprobe` of a request, serialised flat beside its other
/// fields; neither means the IVF index when the collection has one
/// (probing `SearchMethod.defaultNProbe` lists), else every vector.
public struct SearchMethodChoice: Codable, Sendable, Equatable {
    public var exact: Bool
    public var nprobe: Int?

    public init(exact: Bool = false, nprobe: Int? = nil) {
        self.exact = exact
        self.nprobe = nprobe
    }

    enum CodingKeys: String, CodingKey { case exact, nprobe }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exact = try c.decode(.exact, default: false)
        nprobe = try c.decodeIfPresent(Int.self, forKey: .nprobe)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if exact { try c.encode(exact, forKey: .exact) }
        try c.encodeIfPresent(nprobe, forKey: .nprobe)
    }

    func validated() throws(PoetryError) -> SearchMethod {
        if exact && nprobe != nil { throw PoetryError(.badInput, "exact and nprobe exclude each other") }
        if let n = nprobe {
            try EngineLimits.check("nprobe", n, 1...EngineLimits.maxLists)
            return .ivf(nprobe: n)
        }
        return exact ? .exact : .automatic
    }
}
