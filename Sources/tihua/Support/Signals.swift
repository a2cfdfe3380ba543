#if canImport(Glibc)
import Glibc
#endif

enum Signals {
    /// Lets SIGQUIT terminate the process (its default action), as SIGINT and
    /// SIGTERM do. Swift's runtime backtracer catches SIGQUIT to print a
    /// backtrace and then lets the program run on, so a user's Ctrl-\ did
    /// nothing. A SIGQUIT that the parent ignored (a background job of a
    /// non-interactive shell) stays ignored.
    static func restoreDefaultQuit() {
        let previous = signal(SIGQUIT, SIG_DFL)
        if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
            signal(SIGQUIT, SIG_IGN)
        }
    }
}
