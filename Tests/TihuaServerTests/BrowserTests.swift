import Foundation
import ServiceLifecycle
import Testing
import TihuaPoetry
@testable import TihuaServer

/// The web page in a real browser: headless chromium uploads a bundled
/// photo through the page's file input, and the test reads the DOM the
/// page drew from the server's answers.
@Suite(.serialized) struct BrowserTests {
    let fixture = ServerFixture.shared

    @Test func aPhotoFindsItsPoemsInThePage() async throws {
        let server = try fixture.server()
        let listening = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(configuration: .init(
            services: [server.application { listening.continuation.yield($0) }], logger: server.logger))
        let running = Task { try await group.run() }
        var ports = listening.stream.makeAsyncIterator()
        let port = try #require(await ports.next())

        let browser = WebDriver()
        do {
            try await browser.start()
            try await run(browser, port: port)
        } catch {
            Issue.record("\(error)")
        }
        await browser.stop()
        await group.triggerGracefulShutdown()
        try await running.value
        await server.shutdown()
    }

    func run(_ browser: WebDriver, port: Int) async throws {
        let photo = Samples.images[2]
        let engine = fixture.engine
        try await browser.open("http://127.0.0.1:\(port)/")
        try await browser.type(photo, into: try await browser.element("#file-input"))

        // The page marks each section done (or error) when its answer is drawn.
        for section in ["keywords", "poems", "generated", "written"] {
            let state = try await browser.async("""
                const [id, done] = [arguments[0], arguments[arguments.length - 1]];
                (function check() {
                  const s = document.getElementById(id).dataset.state;
                  if (s === "done" || s === "error") done(s + ": " + document.getElementById(id).textContent);
                  else requestAnimationFrame(check);
                })();
                """, [section]) as? String
            #expect(state?.hasPrefix("done") == true, "\(section): \(state ?? "nil")")
        }

        let bytes = Samples.bytes(photo)
        let poems = try engine.poems(PoemsRequest(query: .jpeg(bytes), k: 8)).results
        let titles = try await browser.waitForTexts("#poems .poem h3")
        #expect(titles == poems.map { $0.title ?? "无题" })
        let lines = try await browser.waitForTexts("#poems .poem:first-child .lines div")
        #expect(lines == poems[0].lines)

        let keywords = try engine.keywords(KeywordsRequest(query: .jpeg(bytes), k: 8, diversity: 0.7)).keywords
        let chips = try await browser.async("""
            const done = arguments[arguments.length - 1];
            done([...document.querySelectorAll("#keywords .chip")].map((c) => c.dataset.keyword));
            """) as? [String]
        #expect(chips == keywords.map(\.keyword))

        let generated = try engine.generate(GenerateRequest(query: .jpeg(bytes), seed: 0, candidates: 16))
        if let poem = generated.poem {
            #expect(try await browser.waitForTexts("#generated .line .text") == poem.lines.map(\.text))
            let sources = try await browser.waitForTexts("#generated .line .source")
            #expect(sources.count == 4 && sources.allSatisfy { $0.hasPrefix("——") })
        }
        // The GPT-2 poem: the same seed writes the same poem in the test as in the server.
        let written = try engine.generate(GenerateRequest(query: .jpeg(bytes), generator: .gpt2, seed: 0, candidates: 16))
        let poem = try #require(written.poem, "the constrained decoder always writes a well-formed poem")
        #expect(try await browser.waitForTexts("#written .line .text") == poem.lines.map(\.text))
        let sourceCount = try await browser.async("""
            const done = arguments[arguments.length - 1];
            done(document.querySelectorAll("#written .line .source").length);
            """) as? Int
        #expect(sourceCount == 0)

        // Images for the first poem, loaded from the library through the server.
        try await browser.click(try await browser.element("#poems .poem:first-child button.quiet"))
        let widths = try await browser.async("""
            const done = arguments[arguments.length - 1];
            (function check() {
              const images = [...document.querySelectorAll("#poems .poem:first-child .images img")];
              if (!images.length) return requestAnimationFrame(check);
              Promise.all(images.map((i) => i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; })))
                .then(() => done(images.map((i) => i.naturalWidth)));
            })();
            """) as? [Int]
        #expect(widths?.count == 3 && widths?.allSatisfy { $0 > 0 } == true, "\(widths ?? [])")

        let shot = try await browser.screenshot()
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let folder = NSTemporaryDirectory() + "tihua-browser-test"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try shot.write(to: URL(fileURLWithPath: folder + "/page.png"))
        if let keep = ProcessInfo.processInfo.environment["TIHUA_SCREENSHOT"] {
            try shot.write(to: URL(fileURLWithPath: keep))
        }

        // A keyword chip searches its text.
        let first = try #require(keywords.first?.keyword)
        try await browser.click(try await browser.element("#keywords .chip"))
        let label = try await browser.async("""
            const done = arguments[arguments.length - 1];
            (function check() {
              const p = document.getElementById("poems");
              if (document.getElementById("query-label").textContent.startsWith("文字") && p.dataset.state === "done")
                done(document.getElementById("query-label").textContent);
              else requestAnimationFrame(check);
            })();
            """) as? String
        #expect(label == "文字：" + first)
        let byText = try engine.poems(PoemsRequest(query: .text(first), k: 8)).results
        #expect(try await browser.waitForTexts("#poems .poem h3") == byText.map { $0.title ?? "无题" })

        // A dynasty filter searches the same text again among that dynasty's poems
        // (the change handler marks the section loading before the script waits).
        let filtered = try engine.poems(PoemsRequest(query: .text(first), k: 8, filter: PoemFilter(dynasties: ["宋"]))).results
        #expect(!filtered.isEmpty && filtered.allSatisfy { $0.dynasty == "Song" })
        let filteredTitles = try await browser.async("""
            const done = arguments[arguments.length - 1];
            const input = document.getElementById("dynasty-filter");
            input.value = "宋";
            input.dispatchEvent(new Event("change"));
            (function check() {
              const p = document.getElementById("poems");
              if (p.dataset.state === "done") done([...p.querySelectorAll(".poem h3")].map((h) => h.textContent));
              else requestAnimationFrame(check);
            })();
            """) as? [String]
        #expect(filteredTitles == filtered.map { $0.title ?? "无题" })
    }
}
