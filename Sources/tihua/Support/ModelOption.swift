import ArgumentParser

/// `--model DIR`, the same for every command that takes a Chinese-CLIP model.
struct ModelOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The Chinese-CLIP model folder (config.json, model.safetensors, vocab.txt, preprocessor_config.json); default: the one recorded in the index by tihua embed or tihua images add.",
        valueName: "dir"))
    var model: String?
}
