/// Poem corpora to import (files, or folders read recursively). In-process
/// only: it names files.
public struct PoemImportRequest: Sendable, Equatable {
    public var paths: [String]
    public var format: CorpusFormat
    /// Skip invalid records (each reported) instead of aborting the import.
    public var skipInvalid: Bool
    /// Poems per transaction (1…`EngineLimits.maxPoemBatch`); nil for the default.
    public var batchSize: Int?
    /// Keep a poem whose normalised wording equals one already imported as a
    /// poem of its own instead of recording it as that poem's variant.
    public var keepDuplicates: Bool
    /// The OpenCC profile poems are normalised with (`t2s`; an index keeps
    /// the profile its first import used).
    public var scriptProfile: String

    public init(paths: [String], format: CorpusFormat = .auto, skipInvalid: Bool = false, batchSize: Int? = nil,
                keepDuplicates: Bool = false, scriptProfile: String = "t2s") {
        self.keepDuplicates = keepDuplicates
        self.scriptProfile = scriptProfile
        self.paths = paths
        self.format = format
        self.skipInvalid = skipInvalid
        self.batchSize = batchSize
    }
}
