import ArgumentParser
import TihuaPoetry

extension PoemFormClass: ExpressibleByArgument {}
extension DisplayScript: ExpressibleByArgument {}

/// `--dynasty D… --author A --title-contains T`: the metadata filters that
/// `poems` and `generate` share (each adds its own form option: `poems
/// --form`, `generate --source-form`, as `generate --form` is the GPT-2 form).
struct PoemFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only poems of this dynasty (repeat for several; 唐, Tang and tang are the same).", valueName: "dynasty"))
    var dynasty: [String] = []
    @Option(help: ArgumentHelp("Only poems by this author (either script).", valueName: "name"))
    var author: String?
    @Option(help: ArgumentHelp("Only poems whose title contains this text (either script).", valueName: "text"))
    var titleContains: String?

    func validate() throws {
        if dynasty.count > EngineLimits.maxFilterDynasties {
            throw ValidationError("--dynasty is given \(dynasty.count) times; at most \(EngineLimits.maxFilterDynasties)")
        }
        for (flag, value) in [("--dynasty", dynasty.first { $0.unicodeScalars.count > EngineLimits.maxPhraseScalars }),
                              ("--author", author), ("--title-contains", titleContains)] {
            if let value, value.unicodeScalars.count > EngineLimits.maxPhraseScalars {
                throw ValidationError("\(flag) takes at most \(EngineLimits.maxPhraseScalars) characters")
            }
            if let value, value.allSatisfy(\.isWhitespace) { throw ValidationError("\(flag) is empty") }
        }
    }

    func filter(form: PoemFormClass?) -> PoemFilter {
        PoemFilter(dynasties: dynasty, author: author, form: form, titleContains: titleContains)
    }
}
