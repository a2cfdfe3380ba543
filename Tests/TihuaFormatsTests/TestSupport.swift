import Foundation
@_exported import TihuaTestSupport
import TihuaCompute


func writeLines(_ path: String, _ lines: [String]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
}

func normalized(_ v: ArraySlice<Float>) -> [Float] {
    let n = Float(v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
    return v.map { $0 / n }
}
