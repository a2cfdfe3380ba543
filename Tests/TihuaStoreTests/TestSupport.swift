import Foundation
@_exported import TihuaTestSupport
import TihuaCompute
@testable import TihuaStore



func normalized(_ v: ArraySlice<Float>) -> [Float] {
    let n = Float(v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
    return v.map { $0 / n }
}

extension TihuaIndex {
    /// A published, empty collection.
    func makeCollection(_ name: String) throws -> Collection {
        let c = try prepareCollection(name)
        try write(c) { _ in }
        return c
    }
}
