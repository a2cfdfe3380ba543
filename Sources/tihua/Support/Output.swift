import Foundation
import TihuaPoetry

/// Writes one JSON object per line on stdout (`--json` output).
func printJSONLine<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    var data = try encoder.encode(value)
    data.append(0x0A)
    FileHandle.standardOutput.write(data)
}

/// Writes a line for people on stdout.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Writes a line on stderr (notes, warnings).
func printNote(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Warns on stderr about collections that were searched only in part.
func printWarnings(_ partial: [Coverage]) {
    for line in ErrorText.warnings(partial) { printNote(line) }
}
