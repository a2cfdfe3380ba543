import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
import TihuaPoetry
@testable import TihuaServer

/// A one-shot signal between tasks (no sleeps).
final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }
    func fire() { continuation.yield(); continuation.finish() }
    func wait() async { for await _ in stream { return } }
}

@Suite struct ConcurrencyTests {
    let fixture = ServerFixture.shared

    @Test func theGateRunsAFewAtATimeAndRefusesWhenTheQueueIsFull() async throws {
        let gate = WorkGate(slots: 1, queueLimit: 1)
        let entered = Signal(), release = Signal()
        let first = Task { try await gate.run { entered.fire(); await release.wait(); return 1 } }
        await entered.wait()
        let queuedEntered = Signal()
        let second = Task { try await gate.run { queuedEntered.fire(); return 2 } }
        // The second is queued once the gate says so; poll the gate's own state, not a clock.
        while gate.load.waiting == 0 { await Task.yield() }
        await #expect(throws: WorkGate.Refusal.self) { try await gate.run { 3 } }
        release.fire()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        await queuedEntered.wait()
        #expect(gate.load.running == 0 && gate.load.waiting == 0)
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let gate = WorkGate(slots: 1, queueLimit: 4)
        let entered = Signal(), release = Signal()
        let holder = Task { try await gate.run { entered.fire(); await release.wait() } }
        await entered.wait()
        let waiter = Task { try await gate.run { Issue.record("a cancelled waiter ran") } }
        while gate.load.waiting == 0 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.load.waiting == 0)
        release.fire()
        try await holder.value
        #expect(gate.load.running == 0)
    }

    @Test func aFullModelQueueIs503WithRetryAfterAndReadsStillRun() async throws {
        let server = try fixture.server { $0.modelQueue = 0; $0.retryAfterSeconds = 2 }
        let entered = Signal(), release = Signal()
        let holder = Task { try await server.runner.passes.run { entered.fire(); await release.wait() } }
        await entered.wait()
        try await server.application().test(.router) { client in
            let busy = try await post(client, "/v1/poems", json(["text": "月"]))
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.headers[.retryAfter] == "2")
            #expect(busy.errorMessage?.contains("busy") == true)
            // A vector query needs no model pass: it is answered meanwhile.
            let vector = try fixture.engine.encode(.text("月")).embedding
            let read = try await post(client, "/v1/poems", json(["vector": vector, "k": 2]))
            #expect(read.status == .ok)
        }
        release.fire()
        try await holder.value
    }

    @Test func aRequestPastTheTimeoutIs504() async throws {
        let server = try fixture.server { $0.requestTimeout = .milliseconds(50) }
        let entered = Signal(), release = Signal()
        let holder = Task { try await server.runner.passes.run { entered.fire(); await release.wait() } }
        await entered.wait()
        try await server.application().test(.router) { client in
            // It waits behind the held pass until the deadline, then leaves the queue.
            let late = try await post(client, "/v1/keywords", json(["text": "月"]))
            #expect(late.status == .gatewayTimeout)
            #expect(server.runner.batcher.waitingCount == 0)
            // A generate holds a pass slot itself: it leaves the gate's queue.
            let generate = try await post(client, "/v1/generate", json(["text": "月"]))
            #expect(generate.status == .gatewayTimeout)
        }
        release.fire()
        try await holder.value
        // The pass that was waiting for the slot finds nothing left to embed and ends.
        while server.runner.passes.load != (0, 0) { await Task.yield() }
    }

    @Test func queriesThatWaitTogetherAreEmbeddedInOnePass() async throws {
        let gate = WorkGate(slots: 1, queueLimit: 4)
        let batches = Mutex<[[Query]]>([])
        let batcher = QueryBatcher(maxBatch: 3, queueLimit: 5, gate: gate) { queries in
            batches.withLock { $0.append(queries) }
            return queries.map { query in
                guard case .text(let text) = query, text != "bad" else {
                    return .failure(PoetryError(.badInput, "cannot embed this"))
                }
                return .success(QueryEmbedding(vector: [Float(text.count)], model: "m"))
            }
        }
        let entered = Signal(), release = Signal()
        let holder = Task { try await gate.run { entered.fire(); await release.wait() } }
        await entered.wait()
        let texts = ["a", "bb", "bad", "dddd", "eeeee"]
        let waiting = texts.map { text in Task { try await batcher.embed(.text(text)).vector } }
        while batcher.waitingCount < texts.count { await Task.yield() }
        // The queue holds five: a sixth is refused at once.
        await #expect(throws: WorkGate.Refusal.self) { try await batcher.embed(.text("f")) }
        release.fire()
        try await holder.value
        for (text, task) in zip(texts, waiting) {
            if text == "bad" {
                await #expect(throws: PoetryError.self) { try await task.value }
            } else {
                #expect(try await task.value == [Float(text.count)])
            }
        }
        // Everything that waited went in passes of at most three, in arrival order.
        let sizes = batches.withLock { $0.map(\.count) }
        #expect(sizes == [3, 2])
        #expect(batches.withLock { $0.flatMap { $0 } } == texts.map { .text($0) })
        while gate.load != (0, 0) { await Task.yield() }
        #expect(batcher.waitingCount == 0)
    }

    @Test func aCancelledQueryLeavesTheBatchQueue() async throws {
        let gate = WorkGate(slots: 1, queueLimit: 4)
        let embedded = Mutex<[Query]>([])
        let batcher = QueryBatcher(maxBatch: 8, queueLimit: 8, gate: gate) { queries in
            embedded.withLock { $0 += queries }
            return queries.map { _ in .success(QueryEmbedding(vector: [1], model: "m")) }
        }
        let entered = Signal(), release = Signal()
        let holder = Task { try await gate.run { entered.fire(); await release.wait() } }
        await entered.wait()
        let kept = Task { try await batcher.embed(.text("kept")) }
        let cancelled = Task { try await batcher.embed(.text("cancelled")) }
        while batcher.waitingCount < 2 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(batcher.waitingCount == 1)
        release.fire()
        try await holder.value
        #expect(try await kept.value.vector == [1])
        #expect(embedded.withLock { $0 } == [.text("kept")])
    }

    /// Photo requests that arrive while the model is busy are answered from
    /// one pass, each as it would be alone.
    @Test func photoRequestsWaitingTogetherShareAPass() async throws {
        let server = try fixture.server()
        let photos = Samples.images.map(Samples.bytes)
        let alone = try photos.map { try fixture.engine.poems(PoemsRequest(query: .jpeg($0), k: 3)).results.map(\.id) }
        let entered = Signal(), release = Signal()
        let holder = Task { try await server.runner.passes.run { entered.fire(); await release.wait() } }
        await entered.wait()
        try await server.application().test(.router) { client in
            try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for (i, photo) in photos.enumerated() {
                    group.addTask {
                        let answer = try await post(client, "/v1/poems", json(["image": Data(photo).base64EncodedString(), "k": 3]))
                        #expect(answer.status == .ok)
                        return (i, try answer.decode(PoemsResult.self).results.map(\.id))
                    }
                }
                while server.runner.batcher.waitingCount < photos.count { await Task.yield() }
                release.fire()
                for try await (i, ids) in group { #expect(ids == alone[i]) }
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(text.contains("tihua_model_pass_batch_queries_count 1"))
            #expect(text.contains("tihua_model_pass_batch_queries_sum 3"))
        }
        try await holder.value
    }

    @Test func manyReadsAndPassesAtOnceAllAnswer() async throws {
        // No deadline: the passes share the process's compute budget with
        // every other suite running now, and the machine with other builds.
        let server = try fixture.server { $0.modelQueue = 64; $0.requestTimeout = .seconds(3600) }
        try await withLiveServer(server) { port in
            // One connection per request, as separate clients make them.
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<16 {
                    group.addTask {
                        let body = i % 2 == 0 ? json(["text": "月\(i)", "k": 3]) : json(["poem": "ccpc_test_v1.0:\(i + 1)", "k": 3])
                        // Passes share the process's compute budget with every other
                        // suite running now: no read timeout to trip on a loaded machine.
                        return try await TestClient.withClient(host: "127.0.0.1", port: port,
                                                               configuration: .init(timeout: .seconds(3600))) { connection in
                            try await connection.post("/v1/poems", headers: [.contentType: "application/json"], body: body)
                                .head.status
                        }
                    }
                }
                var answered = 0
                for try await status in group {
                    #expect(status == .ok)
                    answered += 1
                }
                #expect(answered == 16)
            }
        }
    }

    /// SIGTERM's path: a graceful shutdown lets the request in flight finish.
    @Test func gracefulShutdownDrainsRequestsInFlight() async throws {
        let server = try fixture.server()
        let listening = AsyncStream<Int>.makeStream()
        let app = server.application { port in listening.continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: server.logger))
        let running = Task { try await group.run() }
        var ports = listening.stream.makeAsyncIterator()
        let port = try #require(await ports.next())

        // Hold the model so that the request stays in flight across the shutdown.
        let entered = Signal(), release = Signal()
        let holder = Task { try await server.runner.passes.run { entered.fire(); await release.wait() } }
        await entered.wait()
        let request = Task { try await httpPost(port: port, path: "/v1/poems", body: #"{"text":"月","k":2}"#) }
        while server.runner.passes.load.waiting == 0 { await Task.yield() }
        await group.triggerGracefulShutdown()
        release.fire()
        try await holder.value
        let (status, body) = try await request.value
        #expect(status == 200)
        #expect(body.contains("\"results\""))
        try await running.value
        await server.shutdown()
    }
}

/// A POST over a real socket with Foundation's client.
func httpPost(port: Int, path: String, body: String) async throws -> (Int, String) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = "POST"
    request.httpBody = Data(body.utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}
