import ArgumentParser
import TihuaPoetry

/// `--image F | --text T`: the query of `keywords`, `poems`, `generate` and `encode`.
struct QueryInput: ParsableArguments {
    @Option(help: ArgumentHelp("A JPEG image to find poems for.", valueName: "file.jpg")) var image: String?
    @Option(help: "A text to find poems for.") var text: String?

    func validate() throws {
        if (image == nil) == (text == nil) { throw ValidationError("Give exactly one of --image and --text.") }
    }

    var query: Query { image.map(Query.imageFile) ?? .text(text ?? "") }
}
