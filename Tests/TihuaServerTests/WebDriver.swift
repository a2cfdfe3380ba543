import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A W3C WebDriver session on chromedriver driving headless Debian chromium.
final class WebDriver: @unchecked Sendable {
    // One test uses a driver from one task at a time; the process and ids
    // are set once in start() and only read afterwards.
    /// The W3C key of a web element reference.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    static let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]

    struct Failure: Error, CustomStringConvertible { let description: String }

    private let process = Process()
    private var client: TestClient?
    private var session = ""

    /// Starts chromedriver and a headless chromium session; a clear error
    /// when either is not installed (Tools/install-deps.sh installs both).
    func start() async throws {
        let fm = FileManager.default
        guard let browser = Self.chromium.first(where: fm.isExecutableFile(atPath:)),
              let driver = Self.chromedriver.first(where: fm.isExecutableFile(atPath:)) else {
            throw Failure(description: "the browser test needs Debian's chromium and chromium-driver (looked for \(Self.chromium + Self.chromedriver)); run Tools/install-deps.sh")
        }
        let port = try freePort()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // chromedriver says when it listens; wait for that line, not for a clock.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("started successfully") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure(description: "chromedriver exited before it listened: \(String(decoding: seen, as: UTF8.self))") }
            seen += chunk
        }
        // NIO's HTTP client: Foundation's on Linux cannot read chromedriver's
        // headers (no space after the colon).
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(300)))
        client.connect()
        self.client = client
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": browser, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--lang=zh-CN",
            ]],
        ]]]
        let created = try await send("POST", "/session", capabilities)
        guard let value = created["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw Failure(description: "chromedriver made no session: \(created)")
        }
        session = "/session/\(id)"
        _ = try await send("POST", session + "/timeouts", ["implicit": 60_000, "script": 60_000, "pageLoad": 60_000])
    }

    func stop() async {
        if !session.isEmpty { _ = try? await send("DELETE", session, nil) }
        _ = try? await send("GET", "/shutdown", nil)
        try? await client?.shutdown()
        // SIGKILL: a child of a process whose SIGTERM is ignored (swift-service-
        // lifecycle handles it) inherits the ignoring.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func open(_ url: String) async throws { _ = try await send("POST", session + "/url", ["url": url]) }

    /// The first element matching `css`, waiting (in the driver) until one exists.
    func element(_ css: String) async throws -> String {
        let answer = try await send("POST", session + "/element", ["using": "css selector", "value": css])
        guard let value = answer["value"] as? [String: Any], let id = value[Self.elementKey] as? String else {
            throw Failure(description: "no element \(css): \(answer)")
        }
        return id
    }

    func type(_ text: String, into element: String) async throws {
        _ = try await send("POST", session + "/element/\(element)/value", ["text": text])
    }

    func click(_ element: String) async throws { _ = try await send("POST", session + "/element/\(element)/click", [:]) }

    /// Runs `script` in the page; it calls its last argument with the result
    /// (the driver waits up to the script timeout).
    func async(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await send("POST", session + "/execute/async", ["script": script, "args": arguments])["value"]
    }

    /// Waits in the page until `selector` matches an element, and returns
    /// the texts of all that match.
    func waitForTexts(_ selector: String) async throws -> [String] {
        let script = """
        const [selector, done] = [arguments[0], arguments[arguments.length - 1]];
        (function check() {
          const found = [...document.querySelectorAll(selector)];
          if (found.length) done(found.map((e) => e.textContent)); else requestAnimationFrame(check);
        })();
        """
        return (try await async(script, [selector]) as? [String]) ?? []
    }

    func screenshot() async throws -> Data {
        guard let text = try await send("GET", session + "/screenshot", nil)["value"] as? String,
              let data = Data(base64Encoded: text) else { throw Failure(description: "no screenshot") }
        return data
    }

    private func send(_ method: String, _ path: String, _ body: Any?) async throws -> [String: Any] {
        guard let client else { throw Failure(description: "chromedriver is not running") }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let request = TestClient.Request(path, method: HTTPRequest.Method(method)!, authority: "127.0.0.1",
                                         headers: [.contentType: "application/json"],
                                         body: body == nil ? nil : ByteBuffer(bytes: data))
        let response = try await client.execute(request)
        let bytes = response.body.map { Data($0.readableBytesView) } ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] ?? [:]
        guard response.head.status == .ok else {
            throw Failure(description: "WebDriver \(method) \(path): \(String(decoding: bytes, as: UTF8.self))")
        }
        return object
    }

    /// A port nobody listens on now (the kernel's pick for port 0).
    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
