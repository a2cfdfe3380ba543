import TihuaStore

/// Which poem format an index holds (see `PoemTables.formatAttachment`),
/// and the script profile its poems were normalised with.
enum PoemFormatCheck {
    struct State {
        /// Whether the index holds any poem record.
        var hasPoems = false
        var format: Int?
        var profile: String?

        /// Poems written before normalisation (format 1).
        var needsUpgrade: Bool { hasPoems && format == nil }
    }

    static func state(_ index: TihuaIndex) throws -> State {
        guard let c = try index.collection(BuiltinCollection.poems) else { return State() }
        return try index.read { txn in
            let snapshot = try txn.snapshot(c)
            let text = try PoemTextState(snapshot)
            return State(hasPoems: snapshot.info.nextSequence > 0, format: text.format, profile: text.profile)
        }
    }

    static func upgradeMessage(_ index: TihuaIndex) -> String {
        "index \(index.path) holds poems imported before script normalisation (poem format 1); upgrade it, which normalises, merges and indexes them in place"
    }

    static func upgradeError(_ index: TihuaIndex) -> PoetryError {
        PoetryError(.notReady, upgradeMessage(index), remedy: .upgradeIndex)
    }

    /// Throws unless poems normalised with `profile` may be added.
    static func requireWritable(_ index: TihuaIndex, profile: String) throws {
        let state = try state(index)
        if state.needsUpgrade { throw upgradeError(index) }
        if let format = state.format, format > PoemTables.currentFormat {
            throw PoetryError(.corrupt, "index \(index.path) holds poems in format \(format), newer than this build writes (\(PoemTables.currentFormat)); upgrade tihua")
        }
        let converter = try ScriptConverter.shared(profile: profile)
        if let recorded = state.profile, recorded != converter.profile {
            throw PoetryError(.badInput, "the poems of index \(index.path) were normalised with OpenCC profile '\(recorded)', not '\(converter.profile)'; import with that profile, or into a new index")
        }
    }

    /// The profile queries are normalised with (the index's; `t2s` when no
    /// poems were imported yet). Throws for an index that must be upgraded first.
    static func queryProfile(_ index: TihuaIndex) throws -> String {
        let state = try state(index)
        if state.needsUpgrade { throw upgradeError(index) }
        if let format = state.format, format > PoemTables.currentFormat {
            throw PoetryError(.corrupt, "index \(index.path) holds poems in format \(format), newer than this build reads (\(PoemTables.currentFormat)); upgrade tihua")
        }
        return state.profile ?? "t2s"
    }
}
