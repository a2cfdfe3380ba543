import ArgumentParser
import TihuaPoetry

/// A usage error (exit 64) unless `value` of `flag` is in `range`.
func checkFlag<T: Comparable & CustomStringConvertible>(_ flag: String, _ value: T, _ range: ClosedRange<T>) throws {
    if let problem = EngineLimits.problem(flag, value, range) { throw ValidationError(problem) }
}

/// As `checkFlag` for an option that may be absent.
func checkFlag<T: Comparable & CustomStringConvertible>(_ flag: String, _ value: T?, _ range: ClosedRange<T>) throws {
    if let value { try checkFlag(flag, value, range) }
}

/// `--k`: results per query, 1…`EngineLimits.maxK`.
let kRange = 1...EngineLimits.maxK
