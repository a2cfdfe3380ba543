import ArgumentParser
import TihuaPoetry

struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Bring an index's poems forward to the current format, in place.",
        discussion: """
        Poems imported by a release before script normalisation (poem format 1) are refused until \
        this has run: each poem is normalised with OpenCC (--script-profile), its form derived, a \
        poem whose normalised wording equals an earlier one's becomes its variant (unless \
        --keep-duplicates), a poem whose embedded text changed loses its embedding (run tihua embed \
        afterwards), and the phrase index and the rhyme table are built. An interrupted run \
        continues where it stopped. An index already current is left as it is.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: "The OpenCC profile poems are normalised with.") var scriptProfile = "t2s"
    @Flag(help: "Keep poems with the same normalised text as poems of their own.") var keepDuplicates = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try indexOptions.engine(.readWrite)
        let summary = try engine.upgradePoems(scriptProfile: scriptProfile, keepDuplicates: keepDuplicates)
        if output.json { return try printJSONLine(summary) }
        if summary.poems == 0 {
            printLine("index \(indexOptions.index) is current; nothing to upgrade")
        } else {
            printLine("upgraded \(summary.poems) poems (\(summary.merged) merged as variants, \(summary.unembedded) to embed again)")
        }
    }
}
