import ArgumentParser
import Foundation

@main
struct Tihua: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tihua",
        abstract: "Poems for a picture: an embedding index of classical Chinese poems, keywords and images.",
        subcommands: [
            ImportCommand.self, StatsCommand.self, DeleteCommand.self, EmbedCommand.self, ImagesCommand.self, KeywordsCommand.self,
            PoemsCommand.self, GenerateCommand.self, SearchCommand.self, IVFCommand.self, EncodeCommand.self, BenchCommand.self, TrainCommand.self, GeneratorCommand.self,
        ])

    /// Runtime errors print one `error: …` line and exit 1; usage errors keep
    /// swift-argument-parser's handling (exit 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CommandLineFailure {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch where isParserError(error) {
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("error: \(String(describing: error))\n".utf8))
            Foundation.exit(1)
        }
    }

    private static func isParserError(_ error: Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

/// A failure the CLI itself detects (as opposed to one thrown by the library).
struct CommandLineFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
