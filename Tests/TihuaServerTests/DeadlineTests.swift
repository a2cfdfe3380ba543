import Dispatch
import NIOPosix
import Synchronization
import Testing
@testable import TihuaServer

/// The request deadlines: one sleeping task answers every request past its
/// timeout, including those set after it went idle, and answered requests
/// leave nothing behind.
@Suite struct DeadlineTests {
    struct Late: Error {}

    @Test func answeredRequestsClearTheirDeadlines() async throws {
        let deadline = Deadline(timeout: .seconds(3600))
        for i in 0..<100 { #expect(try await deadline.run(onTimeout: { Late() }) { i } == i) }
        await #expect(throws: CancellationError.self) { try await deadline.run(onTimeout: { Late() }) { throw CancellationError() } }
        #expect(deadline.pendingCount == 0)
        deadline.stop()
    }

    @Test func requestsPastTheirDeadlineAreAnsweredAgainAfterTheSleeperIdled() async throws {
        let deadline = Deadline(timeout: .milliseconds(20))
        for _ in 0..<3 {
            // Each body waits for a signal that never comes, until the deadline
            // cancels it; between rounds nothing is pending and the sleeper idles.
            let never = Signal()
            await #expect(throws: Late.self) { try await deadline.run(onTimeout: { Late() }) { await never.wait() } }
            #expect(deadline.pendingCount == 0)
        }
        deadline.stop()
    }

    @Test func aBodyOnThePoolAnswersLateButFinishesInItsSlot() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let deadline = Deadline(timeout: .milliseconds(20))
        let gate = DispatchSemaphore(value: 0)
        let finished = Signal()
        await #expect(throws: Late.self) {
            try await deadline.run(on: pool, onTimeout: { Late() }, finished: { finished.fire() }) { gate.wait(); return 1 }
        }
        gate.signal()
        await finished.wait()
        #expect(try await deadline.run(on: pool, onTimeout: { Late() }, finished: {}) { 2 } == 2)
        #expect(deadline.pendingCount == 0)
        deadline.stop()
        try await pool.shutdownGracefully()
    }
}
