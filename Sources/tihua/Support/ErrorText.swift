import TihuaPoetry

/// The CLI's words for the library's errors: the message as the library
/// says it, and the command or flag that helps, when there is one.
enum ErrorText {
    /// The text after `error: ` for a failure of a command's run.
    static func line(for error: any Error) -> String {
        if let failure = error as? CommandLineFailure { return failure.message }
        let e = error as? PoetryError ?? PoetryError(wrapping: error)
        guard let remedy = e.remedy else { return e.message }
        switch remedy {
        case .embed: return note(e.message, "run tihua embed")
        case .addImages: return note(e.message, "run tihua images add")
        case .importRecords: return note(e.message, "import them first")
        case .skipInvalid: return note(e.message, "--skip-invalid skips such records")
        case .chooseModel: return e.message + ": pass --model DIR (a Chinese-CLIP folder)"
        case .upgradeIndex: return note(e.message, "run tihua upgrade")
        }
    }

    /// "message (hint)", or "message (note; hint)" when the message already
    /// ends with a parenthesised note.
    static func note(_ message: String, _ hint: String) -> String {
        message.hasSuffix(")") ? String(message.dropLast()) + "; \(hint))" : "\(message) (\(hint))"
    }

    /// Warnings for collections that were searched only in part.
    static func warnings(_ partial: [Coverage]) -> [String] {
        partial.map { c in
            let hint = [BuiltinCollection.poems, BuiltinCollection.keywords].contains(c.collection) ? " (run tihua embed)" : ""
            return "warning: only \(c.embedded) of the \(c.count) \(c.collection) have embeddings; the other \(c.count - c.embedded) were not searched\(hint)"
        }
    }
}
