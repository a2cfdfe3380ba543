/// An id as an error message shows it: at most 80 characters (an id refused
/// for its length may be megabytes long), control characters escaped.
func quoted(_ id: String) -> String {
    let shown = id.count > 80 ? String(id.prefix(80)) + "…" : id
    let escaped = shown.unicodeScalars.map { u -> String in
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) ? u.escaped(asASCII: true) : String(u)
    }.joined()
    return "'\(escaped)'"
}
