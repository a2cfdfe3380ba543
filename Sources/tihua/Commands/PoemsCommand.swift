import ArgumentParser
import Foundation
import TihuaPoetry

struct PoemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poems",
        abstract: "The poems closest to an image or a text, containing a phrase, or passing a filter.",
        discussion: """
        Texts, phrases, authors and titles are compared in the script the poems were normalised to at \
        import (simplified, by default), so a query in either script finds poems written in either. \
        With --image or --text the poems are ranked by similarity, exactly within the filters and \
        --contains; without, they come in corpus order. --contains finds the phrase in the poems' \
        lines (，。 or a space in it stand for a line break) and marks it in the output. --hybrid fuses \
        the --text ranking with a lexical one (the text's character pairs) by reciprocal rank fusion; \
        the score is then the fused one. A filter nothing passes gives no poems, not an error.
        """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(help: ArgumentHelp("A JPEG image to find poems for.", valueName: "file.jpg")) var image: String?
    @Option(help: "A text to find poems for.") var text: String?
    @Option(help: ArgumentHelp("Only poems whose text contains this phrase.", valueName: "phrase")) var contains: String?
    @OptionGroup var filters: PoemFilterOptions
    @Option(help: ArgumentHelp("Only poems of this form (derived at import from the line count and lengths).", valueName: "form"))
    var form: PoemFormClass?
    @Flag(help: "Fuse the --text ranking with a lexical ranking (reciprocal rank fusion).") var hybrid = false
    @Option(help: "Show poems as written (original), or converted to simplified or traditional.") var script: DisplayScript = .original
    @Option(parsing: .unconditional, help: "How many poems.") var k = PoemsRequest.defaultK
    @OptionGroup var method: SearchMethodOptions
    @OptionGroup var modelOption: ModelOption
    @OptionGroup var output: OutputOptions

    var filter: PoemFilter { filters.filter(form: form) }

    func validate() throws {
        if image != nil && text != nil { throw ValidationError("Give at most one of --image and --text.") }
        if image == nil && text == nil && contains == nil && filter.isEmpty {
            throw ValidationError("Give --image, --text, --contains or a filter (--dynasty, --author, --form, --title-contains).")
        }
        if hybrid && text == nil { throw ValidationError("--hybrid needs --text.") }
        if let contains {
            if contains.unicodeScalars.count > EngineLimits.maxPhraseScalars {
                throw ValidationError("--contains takes at most \(EngineLimits.maxPhraseScalars) characters")
            }
            if !contains.unicodeScalars.contains(where: { !PoemsCommand.isBreak($0) }) {
                throw ValidationError("--contains needs a character to look for")
            }
        }
        try checkFlag("--k", k, kRange)
    }

    /// What `--contains` treats as a line break (as the library does).
    static func isBreak(_ s: Unicode.Scalar) -> Bool { "，。！？；,.!?;|".unicodeScalars.contains(s) || s.properties.isWhitespace }

    func run() throws {
        let engine = try indexOptions.engine(.readOnly, model: modelOption.model)
        let query: Query? = image.map(Query.imageFile) ?? text.map(Query.text)
        let result = try engine.poems(PoemsRequest(query: query, k: k, method: method.choice, filter: filter,
                                                   contains: contains, hybrid: hybrid, script: script))
        printWarnings(result.partial)
        if output.json { return try printJSONLine(result) }
        let mark = Highlight(terminal: isatty(STDOUT_FILENO) != 0)
        for hit in result.results {
            let score = query == nil ? "" : String(format: "%.4f  ", hit.score)
            let variants = hit.variants.isEmpty ? "" : " (also \(hit.variants.joined(separator: ", ")))"
            printLine(score + "\(hit.title ?? "无题") · \(hit.author ?? "佚名")"
                      + (hit.dynasty.map { " (\($0))" } ?? "") + "  [\(hit.id)]" + variants)
            let lines = hit.lines.indices.map { mark.apply(hit.lines[$0], $0 < hit.matches.count ? hit.matches[$0] : []) }
            printLine((query == nil ? "  " : "        ") + lines.joined(separator: "，") + "。")
        }
    }
}
