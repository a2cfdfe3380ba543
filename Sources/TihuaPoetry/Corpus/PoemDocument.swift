/// The JSON document stored beside a poem:
/// `{"id","title","author","dynasty","lines","keywords"}`, then
/// `"normalized":{"title","author","lines"}` when the normalised text
/// differs, and `"form"`. Written by hand because the
/// import encodes 311k of them and Foundation's JSONEncoder spent 2.5 s of
/// CPU on that; read back with JSONDecoder (`Poem` is Decodable).
enum PoemDocument {
    static func encode(_ poem: Poem) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + poem.lines.reduce(0) { $0 + $1.utf8.count + 3 })
        out += #"{"id":"#.utf8
        append(poem.id, to: &out)
        out += #","title":"#.utf8
        append(poem.title, to: &out)
        out += #","author":"#.utf8
        append(poem.author, to: &out)
        out += #","dynasty":"#.utf8
        append(poem.dynasty, to: &out)
        out += #","lines":"#.utf8
        append(poem.lines, to: &out)
        out += #","keywords":"#.utf8
        append(poem.keywords, to: &out)
        if let normalized = poem.normalized {
            out += #","normalized":{"title":"#.utf8
            append(normalized.title, to: &out)
            out += #","author":"#.utf8
            append(normalized.author, to: &out)
            out += #","lines":"#.utf8
            append(normalized.lines, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        if let form = poem.form {
            out += #","form":"#.utf8
            append(form.rawValue, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func append(_ strings: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, s) in strings.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(s, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func append(_ string: String?, to out: inout [UInt8]) {
        guard var string else { out += "null".utf8; return }
        out.append(UInt8(ascii: "\""))
        string.withUTF8 { bytes in
            var run = 0  // start of the bytes not yet copied
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                run = i + 1
                switch byte {
                case UInt8(ascii: "\""): out += #"\""#.utf8
                case UInt8(ascii: "\\"): out += #"\\"#.utf8
                case 0x0A: out += #"\n"#.utf8
                case 0x0D: out += #"\r"#.utf8
                case 0x09: out += #"\t"#.utf8
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += #"\u00"#.utf8
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
