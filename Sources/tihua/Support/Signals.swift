#if canImport(Glibc)
import Glibc
#endif

enum Signals {
    /// SIGINT, SIGTERM and SIGQUIT end the process by their default action.
    ///
    /// Swift's runtime backtracer catches SIGQUIT to print a backtrace and
    /// then lets the program run on, so Ctrl-\ did nothing: it gets its
    /// default action back. The three are also unblocked: a process started
    /// from a thread that blocks signals (a Dispatch worker, a test runner)
    /// inherits that mask and could not be stopped. A signal the parent set
    /// to be ignored (a background job of a non-interactive shell, nohup)
    /// stays ignored.
    static func restoreTerminatingSignals() {
        let previous = signal(SIGQUIT, SIG_DFL)
        if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
            signal(SIGQUIT, SIG_IGN)
        }
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM, SIGQUIT] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
