import Hummingbird
import NIOCore

extension TihuaServer {
    /// The web page at `/`, with its style sheet and script.
    func addPageRoutes(to router: Router<BasicRequestContext>) {
        let files: [(String, String, String)] = [
            ("/", "text/html; charset=utf-8", PageHTML.html),
            ("/style.css", "text/css; charset=utf-8", PageStyle.css),
            ("/app.js", "text/javascript; charset=utf-8", PageScript.js),
        ]
        for (path, type, text) in files {
            let bytes = ByteBuffer(string: text)
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                         body: ResponseBody(byteBuffer: bytes))
            }
        }
    }
}
