import ArgumentParser
import Foundation

/// For tests of signal handling: says `ready` once the process is set up as
/// every command is, then waits until a signal ends it.
struct WaitForSignalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-for-signal", abstract: "Wait for a signal (tests).", shouldDisplay: false)

    func run() throws {
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        while true { pause() }
    }
}
