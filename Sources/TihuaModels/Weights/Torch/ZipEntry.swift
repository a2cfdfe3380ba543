/// One member of a zip archive, as its central directory describes it, with
/// the position of its data checked against the local header.
struct ZipEntry: Sendable {
    let name: String
    /// 0 = stored; anything else is compressed.
    let method: UInt16
    let flags: UInt16
    let compressedSize: Int
    let uncompressedSize: Int
    /// Offset of the local file header.
    let headerOffset: Int
    /// Offset of the first data byte (after the local header's name and extra field).
    let dataOffset: Int
}
