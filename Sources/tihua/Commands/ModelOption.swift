import ArgumentParser
import Foundation
import TihuaModels
import TihuaPoetry
import TihuaStore

/// `--model` for commands that embed a query; defaults to the recorded folder.
struct ModelOption: ParsableArguments {
    @Option(help: "The Chinese-CLIP model folder (default: the one recorded by tihua embed).")
    var model: String?
}
