import CLMDB
import Foundation
import TihuaCompute
import Testing
@testable import TihuaStore

/// Every index folder LMDB cannot open gets one error of a kind, naming the
/// folder, and never a signal; a read-only index serves reads.
@Suite struct IndexOpeningTests {
    /// A small real index with one collection of vectors.
    func makeIndex(_ path: String, rows: Int = 40) throws {
        let index = try TihuaIndex(path: path, create: true)
        let c = try index.prepareCollection("v")
        var rng = SeededRandom(seed: 21)
        var v = rng.vectors(rows, 8)
        try v.withUnsafeMutableBufferPointer { try VectorCheck.normalizeRows($0.baseAddress!, count: rows, dimension: 8) { "\($0)" } }
        try index.write(c) { w in
            try v.withUnsafeBufferPointer { try w.addVectors(ids: (0..<rows).map { "r\($0)" }, vectors: $0.baseAddress!, dimension: 8) }
            _ = try Array("{}".utf8).withUnsafeBytes { try w.addRecord(id: "doc", document: $0) }
        }
    }

    /// The error opening `path` (nil if it opened).
    func openError(_ path: String, create: Bool = false, readOnly: Bool = false,
                   freeSpace: @escaping (String) -> Int? = { _ in nil }) -> StoreError? {
        do {
            _ = try TihuaIndex(path: path, create: create, readOnly: readOnly, mapReserve: 64 << 20, freeSpace: freeSpace)
            return nil
        } catch {
            return error as? StoreError ?? StoreError(.invalidInput, "not a StoreError: \(error)")
        }
    }

    @Test func randomBytesInDataMdb() throws {
        let dir = TemporaryFolder()
        var rng = SeededRandom(seed: 5)
        dir.write("data.mdb", (0..<65536).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let error = try #require(openError(dir.path))
        #expect(error.kind == .corrupt && error.message.contains(dir.path))
        // Opening to create over it does not touch it either.
        #expect(openError(dir.path, create: true)?.kind == .corrupt)
    }

    @Test func aZeroByteDataMdbIsNotAnEmptyIndex() throws {
        let dir = TemporaryFolder()
        dir.write("data.mdb", [])
        let error = try #require(openError(dir.path, create: true))
        #expect(error.kind == .corrupt && error.message.contains(dir.path))
    }

    @Test func aTruncatedDataMdb() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path, rows: 3000)
        let data = dir.file("data.mdb")
        let size = try #require(FileManager.default.attributesOfItem(atPath: data)[.size] as? Int)
        #expect(truncate(data, off_t(size / 2)) == 0)
        let error = try #require(openError(dir.path))
        #expect(error.kind == .corrupt && error.message.contains(dir.path))
        // Shorter than the second meta page.
        #expect(truncate(data, 5000) == 0)
        #expect(openError(dir.path)?.kind == .corrupt)
    }

    @Test func dataMdbThatIsADirectoryOrAFIFO() throws {
        let dir = TemporaryFolder()
        try FileManager.default.createDirectory(atPath: dir.file("data.mdb"), withIntermediateDirectories: false)
        let error = try #require(openError(dir.path, create: true))
        #expect(error.kind == .corrupt && error.message.contains(dir.path))
        let fifo = TemporaryFolder()
        #expect(mkfifo(fifo.file("data.mdb"), 0o644) == 0)
        #expect(openError(fifo.path)?.kind == .corrupt)
    }

    @Test func anLMDBEnvironmentThatIsNotATihuaIndex() throws {
        let dir = TemporaryFolder()
        // Somebody else's LMDB environment: one key in its main database.
        var env: OpaquePointer?
        #expect(mdb_env_create(&env) == 0)
        #expect(mdb_env_open(env, dir.path, 0, 0o644) == 0)
        var txn: OpaquePointer?
        #expect(mdb_txn_begin(env, nil, 0, &txn) == 0)
        var dbi = MDB_dbi()
        #expect(mdb_dbi_open(txn, nil, 0, &dbi) == 0)
        var keyBytes = Array("hello".utf8), valueBytes = Array("world".utf8)
        keyBytes.withUnsafeMutableBytes { k in
            valueBytes.withUnsafeMutableBytes { v in
                var key = MDB_val(mv_size: k.count, mv_data: k.baseAddress)
                var value = MDB_val(mv_size: v.count, mv_data: v.baseAddress)
                #expect(mdb_put(txn, dbi, &key, &value, 0) == 0)
            }
        }
        #expect(mdb_txn_commit(txn) == 0)
        mdb_env_close(env)
        let error = try #require(openError(dir.path, create: true))
        #expect(error.kind == .notAnIndex && error.message.contains(dir.path))
    }

    @Test func anEmptyLMDBEnvironmentBecomesAnIndexOnlyWhenAskedTo() throws {
        let dir = TemporaryFolder()
        var env: OpaquePointer?
        #expect(mdb_env_create(&env) == 0)
        #expect(mdb_env_open(env, dir.path, 0, 0o644) == 0)
        mdb_env_close(env)
        #expect(openError(dir.path)?.kind == .notFound)
        #expect(openError(dir.path, create: true) == nil)
        #expect(openError(dir.path) == nil)
    }

    @Test func aNewerSchemaIsRefusedByKind() throws {
        let dir = TemporaryFolder()
        let index = try TihuaIndex(path: dir.path, create: true)
        try index.rawWrite { txn in
            try Array("7x".utf8).withUnsafeBytes { try txn.put(index.meta, Schema.versionKey, $0, "schema") }
        }
        #expect(openError(dir.path)?.kind == .corrupt)
        try index.rawWrite { txn in
            try Array("2".utf8).withUnsafeBytes { try txn.put(index.meta, Schema.versionKey, $0, "schema") }
        }
        #expect(openError(dir.path)?.kind == .schema)
    }

    @Test func anIndexPathUnderARegularFile() throws {
        let dir = TemporaryFolder()
        let file = dir.write("plain", Array("x".utf8))
        for path in [file + "/idx", file + "/a/b/idx"] {
            let error = try #require(openError(path, create: true))
            #expect(error.kind == .notAnIndex && error.message.contains(file))
        }
        let error = try #require(openError(file, create: true))
        #expect(error.kind == .notAnIndex && error.message.contains(file))
    }

    @Test func aNewIndexOnAFullFileSystem() throws {
        let dir = TemporaryFolder()
        var asked: [String] = []
        let error = try #require(openError(dir.file("a/b"), create: true, freeSpace: { asked.append($0); return 4096 }))
        #expect(error.kind == .noSpace && error.message.contains(dir.file("a/b")))
        #expect(asked == [dir.path])  // the nearest existing folder was measured
        #expect(!FileManager.default.fileExists(atPath: dir.file("a")))  // nothing was created
        #expect(openError(dir.file("a/b"), create: true, freeSpace: { _ in 1 << 30 }) == nil)
    }

    @Test func errnoHasItsOwnKinds() {
        #expect(StoreError.lmdb(ENOSPC, "write x").kind == .noSpace)
        #expect(StoreError.lmdb(ENOSPC, "write x").message.contains("no space left"))  // not "Input/output error"
        #expect(StoreError.lmdb(EDQUOT, "write x").kind == .noSpace)
        #expect(StoreError.lmdb(EROFS, "write x").kind == .readOnly)
        #expect(StoreError.lmdb(ENOMEM, "read x").kind == .outOfMemory)
        #expect(StoreError.lmdb(EIO, "read x").kind == .io(EIO))
        #expect(StoreError.lmdb(MDB_MAP_FULL, "write x").kind == .lmdb(MDB_MAP_FULL))
        #expect(StoreError.lmdb(MDB_BAD_VALSIZE, "write x").kind == .lmdb(MDB_BAD_VALSIZE))
    }

    @Test func absurdMetadataIsCorruptNotATrap() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path)
        let index = try TihuaIndex(path: dir.path)
        let good = try #require(try index.info(of: "v"))
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("blockRows 0", { $0["blockRows"] = 0 }),
            ("blockRows huge", { $0["blockRows"] = 1 << 40 }),
            ("negative count", { $0["vectorCount"] = -5 }),
            ("more vectors than records", { $0["vectorCount"] = 1000 }),
            ("dimension 0", { $0["dimension"] = 0 }),
            ("dimension huge", { $0["dimension"] = 1 << 40 }),
            ("no dimension with vectors", { $0["dimension"] = nil }),
            ("wrong name", { $0["name"] = "w" }),
            ("string count", { $0["recordCount"] = "many" }),
            ("unknown metric", { $0["metric"] = "hamming" }),
            ("IVF of 0 lists", { $0["ivf"] = ["lists": 0, "chunkRows": 16, "trainedOn": 0, "generation": 1] }),
            ("IVF chunks of 0 rows", { $0["ivf"] = ["lists": 2, "chunkRows": 0, "trainedOn": 0, "generation": 1] }),
        ]
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(good)) as! [String: Any]
        for (what, edit) in edits {
            var object = encoded
            edit(&object)
            let bytes = try JSONSerialization.data(withJSONObject: object)
            try index.rawWrite { txn in
                try bytes.withUnsafeBytes { try txn.put(index.meta, Schema.collectionKey("v"), $0, "metadata") }
            }
            do {
                _ = try TihuaIndex(path: dir.path).info(of: "v")
                Issue.record("accepted metadata with \(what)")
            } catch let error as StoreError {
                #expect(error.kind == .corrupt, "\(what): \(error)")
                #expect(error.message.contains("metadata of collection 'v'"), "\(what): \(error)")
            }
        }
        // Not JSON at all.
        try index.rawWrite { txn in
            try Array("{oops".utf8).withUnsafeBytes { try txn.put(index.meta, Schema.collectionKey("v"), $0, "metadata") }
        }
        #expect(throws: StoreError.self) { _ = try TihuaIndex(path: dir.path).info(of: "v") }
    }

    @Test func readOnlyOpeningServesReadsAndNeverWrites() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path)
        let data = dir.file("data.mdb")
        let before = try #require(FileManager.default.contents(atPath: data))
        let mtime = try #require(FileManager.default.attributesOfItem(atPath: data)[.modificationDate] as? Date)

        let index = try TihuaIndex(path: dir.path, readOnly: true)
        #expect(index.isReadOnly && index.readOnlyReason == "it was opened for reading")
        let c = try #require(try index.collection("v"))
        try index.read { txn in
            let s = try txn.snapshot(c)
            #expect(s.vectorCount == 40)
            #expect(try s.record("doc")?.document == Array("{}".utf8))
            #expect(try s.vector(row: 3).count == 8)
        }
        for attempt: () throws -> Void in [
            { try index.write(c) { _ = try $0.delete("r1") } },
            { _ = try index.prepareCollection("new") },
        ] {
            #expect { try attempt() } throws: { error in
                (error as? StoreError)?.kind == .readOnly && (error as? StoreError)?.message.contains(dir.path) == true
            }
        }
        #expect(FileManager.default.contents(atPath: data) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: data)[.modificationDate] as? Date == mtime)
    }

    @Test func readingWithoutTheLockFile() throws {
        // How another user's index is read: LMDB's lock file is not used, and
        // Tihua's writers are kept out by a shared lock on data.mdb instead.
        let dir = TemporaryFolder()
        try makeIndex(dir.path)
        let reader = try TihuaIndex(path: dir.path, create: false, readOnly: true, mapReserve: 1 << 20,
                                    freeSpace: { _ in nil }, lockFile: false)
        let writer = try TihuaIndex(path: dir.path)
        let c = try #require(try writer.collection("v"))
        try writer.write(c) { _ = try $0.delete("r0") }
        #expect(try reader.info(of: "v")?.vectorCount == 39)
        #expect(try reader.read { try $0.snapshot(reader.collection("v")!).vectorCount } == 39)
    }

    @Test(.enabled(if: geteuid() != 0, "root writes whatever the permissions say"))
    func anIndexThisUserCannotWriteIsOpenedReadOnly() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path + "/idx")
        let folder = dir.path + "/idx"
        chmod(folder + "/data.mdb", 0o444)
        chmod(folder + "/lock.mdb", 0o444)
        chmod(folder, 0o555)
        defer { chmod(folder, 0o755); chmod(folder + "/data.mdb", 0o644); chmod(folder + "/lock.mdb", 0o644) }
        let index = try TihuaIndex(path: folder)
        #expect(index.isReadOnly)
        #expect(try index.info(of: "v")?.vectorCount == 40)
        let c = try #require(try index.collection("v"))
        #expect(throws: StoreError.self) { try index.write(c) { _ = try $0.delete("r1") } }
    }

    @Test func theMetaPagesAreReadAsLMDBWritesThem() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path, rows: 500)
        let bytes = try #require(FileManager.default.contents(atPath: dir.file("data.mdb"))).map { $0 }
        func inspect(_ b: [UInt8]) throws(LMDBDataFile.Problem) -> LMDBDataFile {
            try LMDBDataFile.inspect(fileSize: { b.count }, read: { o, n in o >= b.count ? [] : Array(b[o..<min(b.count, o + n)]) })
        }
        let file = try inspect(bytes)
        var env: OpaquePointer?
        mdb_env_create(&env)
        mdb_env_open(env, dir.path, UInt32(MDB_RDONLY), 0o644)
        var info = MDB_envinfo()
        var stat = MDB_stat()
        mdb_env_info(env, &info)
        mdb_env_stat(env, &stat)
        mdb_env_close(env)
        #expect(file.pageSize == Int(stat.ms_psize))
        #expect(file.lastPage == UInt64(info.me_last_pgno))
        #expect(file.transaction == UInt64(info.me_last_txnid))
        #expect(file.requiredBytes <= bytes.count)
        // Each field that is checked, damaged in turn.
        func damaged(_ offset: Int, _ value: [UInt8]) -> [UInt8] {
            var b = bytes
            b.replaceSubrange(offset..<(offset + value.count), with: value)
            return b
        }
        let page = file.pageSize
        for (what, b) in [
            ("magic", damaged(16, [0, 0, 0, 0])),
            ("second magic", damaged(page + 16, [1, 2, 3, 4])),
            ("version", damaged(20, [2, 0, 0, 0])),
            ("meta flag", damaged(10, [0, 0])),
            ("page size", damaged(40, [0x10, 0, 0, 0])),
            ("main root", { var b = damaged(16 + 112, [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
                            b.replaceSubrange((page + 128)..<(page + 136), with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
                            return b }()),
            ("short", Array(bytes.prefix(100))),
            ("one page", Array(bytes.prefix(page))),
            ("truncated", Array(bytes.prefix(file.requiredBytes - 1))),
        ] {
            #expect(throws: LMDBDataFile.Problem.self, "\(what)") { _ = try inspect(b) }
        }
    }

    @Test func theLockFileIsAllocatedAndLMDBKeepsItsSize() throws {
        let dir = TemporaryFolder()
        try makeIndex(dir.path)
        var st = stat()
        #expect(stat(dir.file("lock.mdb"), &st) == 0)
        #expect(Int(st.st_size) == Environment.lockFileBytes)
        #expect(Int(st.st_blocks) * 512 >= Environment.lockFileBytes)  // no hole left to fault on
    }
}
