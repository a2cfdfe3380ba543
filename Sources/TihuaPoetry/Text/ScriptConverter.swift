import COpenCC
import Foundation

/// Converts Chinese text between scripts with OpenCC (`t2s`: traditional →
/// simplified, `s2t`, `t2tw`, …: the profiles of OpenCC's data folder).
///
/// A converter is immutable once opened, and OpenCC's conversion keeps no
/// state between calls, so one instance may be shared by threads.
public final class ScriptConverter: @unchecked Sendable {
    /// The OpenCC profile, without `.json` (`t2s`).
    public let profile: String
    private let handle: opencc_t

    /// Opens OpenCC profile `profile` (`t2s`, `s2t`, …, or a path to a
    /// profile's JSON file).
    public init(profile: String) throws {
        guard !profile.isEmpty, profile.utf8.count <= 4096, !profile.contains("\0") else {
            throw ScriptConverterError("'\(profile)' is not an OpenCC profile name")
        }
        let file = profile.hasSuffix(".json") ? profile : profile + ".json"
        guard let h = opencc_open(file), h != opencc_t(bitPattern: -1) else {
            let reason = opencc_error().map { String(cString: $0) } ?? "unknown error"
            throw ScriptConverterError("cannot open OpenCC profile '\(profile)': \(reason)")
        }
        self.profile = profile.hasSuffix(".json") ? String(profile.dropLast(5)) : profile
        handle = h
    }

    deinit { opencc_close(handle) }

    /// `text` in the profile's target script. Characters OpenCC does not
    /// map (punctuation, Latin, characters already in the target script)
    /// are kept as they are.
    public func convert(_ text: String) throws -> String {
        if text.isEmpty { return text }
        var text = text
        return try text.withUTF8 { bytes -> String in
            guard let out = bytes.withMemoryRebound(to: CChar.self, { opencc_convert_utf8(handle, $0.baseAddress, $0.count) }) else {
                let reason = opencc_error().map { String(cString: $0) } ?? "unknown error"
                throw ScriptConverterError("OpenCC (\(profile)) could not convert a text: \(reason)")
            }
            defer { opencc_convert_utf8_free(out) }
            return String(cString: out)
        }
    }
}

/// An OpenCC profile that cannot be opened, or a text it cannot convert.
public struct ScriptConverterError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
