import Foundation

/// `path` made absolute against the current directory, with `.` and `..`
/// resolved. (`URL(fileURLWithPath:).standardized` drops a leading `..` of
/// a relative path instead of resolving it.)
func absolutePath(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
        switch part {
        case ".": continue
        case "..": _ = parts.popLast()
        default: parts.append(part)
        }
    }
    return "/" + parts.joined(separator: "/")
}
