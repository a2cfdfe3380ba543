import Foundation
import Testing
import TihuaStore
@testable import TihuaPoetry
#if canImport(Glibc)
import Glibc
#endif

/// The folder walk shared by `import poems` and `images add`.
@Suite struct FileWalkTests {
    let dir = Scratch()

    /// A folder holding every kind of thing that is not a usable file.
    func hostileFolder() throws -> String {
        let root = dir.path + "/in"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sub/x.json", withIntermediateDirectories: true)  // a folder named like a file
        _ = dir.write("in/poet.tang.10.json", #"[{"paragraphs": ["三，四。"]}]"#)
        _ = dir.write("in/poet.tang.2.json", #"[{"paragraphs": ["一，二。"]}]"#)
        _ = dir.write("in/sub/x.json/inside.json", #"{"content": "五|六"}"#)
        _ = dir.write("in/notes.txt", "not a corpus")
        #expect(mkfifo(root + "/fifo.json", 0o644) == 0)
        try fm.createSymbolicLink(atPath: root + "/null.json", withDestinationPath: "/dev/null")
        try fm.createSymbolicLink(atPath: root + "/loop-a.json", withDestinationPath: root + "/loop-b.json")
        try fm.createSymbolicLink(atPath: root + "/loop-b.json", withDestinationPath: root + "/loop-a.json")
        try fm.createSymbolicLink(atPath: root + "/gone.json", withDestinationPath: root + "/nowhere")
        try fm.createSymbolicLink(atPath: root + "/sub/up", withDestinationPath: root)  // a folder loop
        _ = dir.write("in/bad\nname.json", #"{"content": "七|八"}"#)
        // A socket.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let socketPath = root + "/socket.json"
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(socketPath.utf8.prefix(raw.count - 1)))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(fd)
        return root
    }

    @Test func onlyRegularFilesAreTakenAndEverythingElseIsReported() throws {
        let root = try hostileFolder()
        let walk = try FileWalk(extensions: ["json"]).expand([root])
        #expect(walk.files == [root + "/poet.tang.2.json", root + "/poet.tang.10.json", root + "/sub/x.json/inside.json"])
        #expect(Set(walk.skipped.map(\.description)) == [
            "\(root)/bad\\u{a}name.json: the path contains a control character",
            "\(root)/fifo.json: not a regular file (a FIFO)",
            "\(root)/gone.json: broken symbolic link",
            "\(root)/loop-a.json: symbolic link loop",
            "\(root)/loop-b.json: symbolic link loop",
            "\(root)/null.json: not a regular file (a character device)",
            "\(root)/socket.json: not a regular file (a socket)",
            "\(root)/sub/up: symbolic link loop (a folder that contains itself)",
        ])
        // Named directly, a FIFO is reported too (never opened: no hang).
        let direct = try FileWalk(extensions: ["json"]).expand([root + "/fifo.json", root + "/notes.txt"])
        #expect(direct.files == [root + "/notes.txt"])
        #expect(direct.skipped.map(\.description) == ["\(root)/fifo.json: not a regular file (a FIFO)"])
        #expect(throws: PoetryError.self) { _ = try FileWalk(extensions: ["json"]).expand([root + "/missing"]) }
    }

    @Test func importReadsTheUsableFilesAndReportsTheRest() throws {
        let root = try hostileFolder()
        let index = try TihuaIndex(path: dir.path + "/idx", create: true)
        let summary = try PoemImport(paths: [root]).run(into: index)
        #expect(summary.imported == 3)
        #expect(summary.skippedFiles.count == 8)
        #expect(try storedPoem(index, "poet.tang.2:1")?.lines == ["一", "二"])
        // A FIFO swapped in after the walk is refused when opened, not waited on.
        #expect(throws: PoetryError.self) { _ = try RegularFile.read(root + "/fifo.json", maxBytes: 1 << 20) }
    }

    @Test func imagePathsTooLongForAnIdAreSkipped() throws {
        var deep = dir.path + "/img"
        while deep.utf8.count < 500 { deep += "/" + String(repeating: "d", count: 60) }
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: deep + "/far.jpg", contents: Data([0xFF]))
        _ = FileManager.default.createFile(atPath: dir.path + "/img/near.JPG", contents: Data([0xFF]))
        let walk = try ImageLibrary.expand([dir.path + "/img"])
        #expect(walk.files == [absolutePath(dir.path + "/img/near.JPG")])
        #expect(walk.skipped.map(\.reason) == ["the path is longer than 480 bytes"])
    }
}
