import Foundation

/// Keys of the facet table: what a metadata filter selects exactly.
enum Facet: Hashable {
    case dynasty(String)
    case author(String)
    case form(PoemFormClass)

    var key: [UInt8] {
        switch self {
        case .dynasty(let d): return Array("d\u{1F}\(d)".utf8)
        case .author(let a): return Array("a\u{1F}\(a)".utf8)
        case .form(let f): return Array("f\u{1F}\(f.rawValue)".utf8)
        }
    }

    /// The facets of a normalised poem.
    static func of(_ poem: Poem) -> [Facet] {
        var out: [Facet] = []
        if let d = poem.dynasty { out.append(.dynasty(d)) }
        if let a = poem.normalizedAuthor?.trimmingCharacters(in: .whitespaces), !a.isEmpty { out.append(.author(a)) }
        if let f = poem.form { out.append(.form(f)) }
        return out
    }
}
