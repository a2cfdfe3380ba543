/// Poem corpora to import (files, or folders read recursively). In-process
/// only: it names files.
public struct PoemImportRequest: Sendable, Equatable {
    public var paths: [String]
    public var format: CorpusFormat
    /// Skip invalid records (each reported) instead of aborting the import.
    public var skipInvalid: Bool
    /// Poems per transaction (1…`EngineLimits.maxPoemBatch`); nil for the default.
    public var batchSize: Int?

    public init(paths: [String], format: CorpusFormat = .auto, skipInvalid: Bool = false, batchSize: Int? = nil) {
        self.paths = paths
        self.format = format
        self.skipInvalid = skipInvalid
        self.batchSize = batchSize
    }
}
