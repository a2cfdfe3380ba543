/// The CJK character ranges, in one place.
///
/// Two different questions are asked of a character, so there are two
/// predicates, the first a subset of the second:
/// - `isIdeograph`: a CJK ideograph as BERT's tokenizer defines it
///   (transformers' `_is_chinese_char`: the CJK Unified Ideographs, their
///   extensions A–E and the compatibility ideographs). The tokenizer splits
///   these one by one, and a generated poem's line must consist of them, so
///   both use exactly the model's definition.
/// - `isWide`: takes two terminal columns (Unicode's East Asian Width W or F,
///   approximated by ranges): the ideographs above plus kana, Hangul, CJK
///   punctuation such as `，` and `。`, and fullwidth forms. It is about
///   display, not about what counts as a Chinese character.
package enum CJK {
    @inlinable
    package static func isIdeograph(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
            || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    @inlinable
    package static func isIdeograph(_ u: Unicode.Scalar) -> Bool { isIdeograph(u.value) }

    @inlinable
    package static func isWide(_ v: UInt32) -> Bool {
        isIdeograph(v)
            || (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }
}
