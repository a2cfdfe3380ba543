import NIOCore
import TihuaPoetry

/// `/v1/search`'s answer written straight into a buffer: the bytes
/// `JSONAnswer` (a `JSONEncoder` with sorted keys and unescaped slashes)
/// gives, without the encoder's 0.08–0.1 ms for ten hits (measured in the
/// server; the writer's own time was not timed apart, see RESULTS). A score that is not finite has no
/// JSON form; the caller then lets `JSONAnswer` refuse it as before.
enum SearchAnswerWriter {
    static func json(_ answer: SearchResults) -> ByteBuffer? {
        var out = ByteBuffer()
        out.reserveCapacity(32 + answer.results.reduce(0) { $0 + $1.count * 48 })
        out.writeStaticString(#"{"results":["#)
        for (q, hits) in answer.results.enumerated() {
            if q > 0 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeInteger(UInt8(ascii: "["))
            for (h, hit) in hits.enumerated() {
                guard hit.score.isFinite else { return nil }
                out.writeStaticString(h > 0 ? #",{"id":""# : #"{"id":""#)
                writeEscaped(hit.id, to: &out)
                out.writeStaticString(#"","score":"#)
                // Float's shortest form, as JSONEncoder writes it: whole numbers without ".0".
                var text = hit.score.description
                if text.hasSuffix(".0") { text.removeLast(2) }
                out.writeString(text)
                out.writeInteger(UInt8(ascii: "}"))
            }
            out.writeInteger(UInt8(ascii: "]"))
        }
        out.writeStaticString("]}")
        return out
    }

    /// JSON string escapes as JSONEncoder writes them: `\"`, `\\`, the short
    /// forms of \b \t \n \f \r, `\u00xx` for the other control characters.
    private static func writeEscaped(_ text: String, to out: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.writeStaticString(#"\""#)
            case UInt8(ascii: "\\"): out.writeStaticString(#"\\"#)
            case 0x08: out.writeStaticString(#"\b"#)
            case 0x09: out.writeStaticString(#"\t"#)
            case 0x0A: out.writeStaticString(#"\n"#)
            case 0x0C: out.writeStaticString(#"\f"#)
            case 0x0D: out.writeStaticString(#"\r"#)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.writeStaticString(#"\u00"#)
                out.writeInteger(hex[Int(byte >> 4)])
                out.writeInteger(hex[Int(byte & 0xF)])
            default: out.writeInteger(byte)
            }
        }
    }
}
