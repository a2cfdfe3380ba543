/// What LMDB's two meta pages say about a `data.mdb`, read and checked
/// before `mdb_env_open` is allowed near the file.
///
/// liblmdb trusts its file: random bytes make it abort or crash, and a file
/// shorter than its metadata says is mapped and read past its end (SIGBUS).
/// So the meta pages are parsed here first, as LMDB 0.9 lays them out on a
/// 64-bit little-endian machine (`MDB_page` header of 16 bytes, then
/// `MDB_meta`): magic, data version, page size, the last page used and the
/// roots of the two core databases.
package struct LMDBDataFile: Sendable, Equatable {
    package let pageSize: Int
    /// The last page the newest meta page says is in use.
    package let lastPage: UInt64
    /// The newest committed transaction.
    package let transaction: UInt64

    /// Bytes the file must hold: every page up to `lastPage`.
    package var requiredBytes: Int { (Int(lastPage) + 1) * pageSize }

    /// Why a file is not a usable LMDB data file, as a phrase ("is empty (0 bytes)").
    package struct Problem: Error, Equatable, Sendable {
        package let isTruncation: Bool
        package let phrase: String
    }

    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    static let metaFlag: UInt16 = 0x08
    static let invalidPage = UInt64.max
    /// Bytes of a meta page that are read: header (16) + MDB_meta (136).
    static let metaBytes = 152

    /// Checks a data file of `fileSize` bytes; `read(offset, count)` returns
    /// the file's bytes there (fewer at its end). Read the meta pages before
    /// taking the size: a concurrent writer writes pages before the meta
    /// page that names them, so the size can only have grown since.
    package static func inspect(fileSize: () -> Int, read: (Int, Int) -> [UInt8]) throws(Problem) -> LMDBDataFile {
        let first = read(0, metaBytes)
        guard first.count >= metaBytes else {
            let size = fileSize()
            throw Problem(isTruncation: size > 0, phrase: size == 0 ? "is empty (0 bytes)"
                          : "is \(size) bytes, shorter than one LMDB meta page")
        }
        let meta0 = try Meta(first, page: 0)
        guard let pageSize = Int(exactly: meta0.pageSize), pageSize >= 512, pageSize <= 65536,
              pageSize & (pageSize - 1) == 0 else {
            throw Problem(isTruncation: false, phrase: "is not an LMDB data file (page size \(meta0.pageSize) in its meta page)")
        }
        let second = read(pageSize, metaBytes)
        guard second.count >= metaBytes else {
            throw Problem(isTruncation: true, phrase: "is \(fileSize()) bytes, shorter than its two LMDB meta pages (2 × \(pageSize))")
        }
        let meta1 = try Meta(second, page: 1)
        guard meta1.pageSize == meta0.pageSize else {
            throw Problem(isTruncation: false, phrase: "has meta pages that disagree on the page size (\(meta0.pageSize), \(meta1.pageSize))")
        }
        let newest = meta1.transaction > meta0.transaction ? meta1 : meta0
        guard newest.lastPage >= 1, newest.lastPage < UInt64(Int.max / pageSize) - 1 else {
            throw Problem(isTruncation: false, phrase: "is not an LMDB data file (last page \(newest.lastPage) in its meta page)")
        }
        for (name, root) in [("free-page", newest.freeRoot), ("main", newest.mainRoot)]
        where root != invalidPage && (root < 2 || root > newest.lastPage) {
            throw Problem(isTruncation: false, phrase: "is damaged (the \(name) database's root page \(root) is outside pages 2…\(newest.lastPage))")
        }
        let file = LMDBDataFile(pageSize: pageSize, lastPage: newest.lastPage, transaction: newest.transaction)
        let size = fileSize()
        guard size >= file.requiredBytes else {
            throw Problem(isTruncation: true,
                          phrase: "is truncated: \(size) bytes, but its LMDB metadata says pages 0…\(file.lastPage) of \(pageSize) bytes (\(file.requiredBytes) bytes)")
        }
        return file
    }

    /// The fields of one meta page that are checked.
    struct Meta {
        let pageSize: UInt32
        let freeRoot: UInt64
        let mainRoot: UInt64
        let lastPage: UInt64
        let transaction: UInt64

        init(_ b: [UInt8], page: Int) throws(Problem) {
            func u16(_ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
            func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * $1) } }
            func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * $1) } }
            let where_ = page == 0 ? "its first page" : "its second page"
            guard u32(16) == LMDBDataFile.magic else {
                throw Problem(isTruncation: false, phrase: "is not an LMDB data file (no LMDB magic number in \(where_))")
            }
            guard u16(10) & LMDBDataFile.metaFlag != 0 else {
                throw Problem(isTruncation: false, phrase: "is damaged (\(where_) is not marked as a meta page)")
            }
            let version = u32(20)
            guard version == LMDBDataFile.dataVersion else {
                throw Problem(isTruncation: false, phrase: "has LMDB data format version \(version); this build reads version \(LMDBDataFile.dataVersion)")
            }
            pageSize = u32(16 + 24)              // mm_dbs[FREE_DBI].md_pad
            freeRoot = u64(16 + 24 + 40)         // mm_dbs[FREE_DBI].md_root
            mainRoot = u64(16 + 24 + 48 + 40)    // mm_dbs[MAIN_DBI].md_root
            lastPage = u64(16 + 120)             // mm_last_pg
            transaction = u64(16 + 128)          // mm_txnid
        }
    }
}
