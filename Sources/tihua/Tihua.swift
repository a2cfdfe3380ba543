import ArgumentParser
import Foundation

@main
struct Tihua: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tihua",
        abstract: "Poems for a picture: an embedding index of classical Chinese poems, keywords and images.",
        subcommands: [
            ImportCommand.self, StatsCommand.self, DeleteCommand.self, ConvertCommand.self, EmbedCommand.self, ImagesCommand.self, KeywordsCommand.self,
            PoemsCommand.self, GenerateCommand.self, SearchCommand.self, IVFCommand.self, EncodeCommand.self, ModelCommand.self, BenchCommand.self, TrainCommand.self, GeneratorCommand.self,
            WaitForSignalCommand.self,
        ])

    /// As swift-argument-parser's own `main`, parsing and running are kept
    /// apart: a parse error (and `validate()`, `--help`) is reported in its
    /// words with its exit code (64 for usage); a run error is one line
    /// `error: …` and exit 1.
    static func main() {
        Signals.restoreTerminatingSignals()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch where error is ExitCode || error is CleanExit || error is ValidationError || isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            let line = ErrorText.line(for: error).replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("error: \(line)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// `--help` on a subcommand (and `tihua help …`) parses into the
    /// parser's own help command, whose run throws its internal error type;
    /// only swift-argument-parser can print that one.
    private static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

/// A failure the CLI itself detects (as opposed to one thrown by the library).
struct CommandLineFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
