import Foundation
import TihuaCompute

/// The "basic" half of BertTokenizer (do_lower_case = true): clean the text,
/// put spaces around CJK characters, split on whitespace, lower-case and
/// strip accents, split off punctuation. Works on Unicode scalars, as Python
/// strings do (never on grapheme clusters).
enum BertBasicTokenizer {
    static func words(_ text: some Sequence<Unicode.Scalar>) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func flush() {
            if !current.isEmpty { words.append(contentsOf: splitPunctuation(normalize(current))) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text {
            let v = scalar.value
            if v == 0 || v == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) || scalar.properties.isWhitespace { flush(); continue }
            if isCJK(v) {
                flush()
                words.append(contentsOf: splitPunctuation(normalize([scalar])))
                continue
            }
            current.append(scalar)
        }
        flush()
        return words
    }

    /// Lower-case, then NFD and drop nonspacing marks (accents).
    static func normalize(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: word)
        let lowered = String(s).lowercased()
        // Fast path: ASCII has no decompositions.
        if lowered.utf8.allSatisfy({ $0 < 0x80 }) { return Array(lowered.unicodeScalars) }
        return lowered.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }
    }

    /// Every punctuation scalar becomes a word of its own.
    static func splitPunctuation(_ word: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in word {
            if isPunctuation(scalar) {
                if !current.isEmpty { out.append(current); current = [] }
                out.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// BERT's whitespace: space, tab, newline, carriage return and category Zs.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        default: return s.properties.generalCategory == .spaceSeparator
        }
    }

    /// Any category C* except tab, newline and carriage return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        default: break
        }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII symbols that are not letters or digits count as punctuation
    /// (`$`, `^`, `` ` `` …), plus every Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT splits one character at a time
    /// (not Hangul, kana or CJK punctuation).
    static func isCJK(_ v: UInt32) -> Bool { CJK.isIdeograph(v) }
}
