import Foundation
import TihuaModels

/// Writes a model folder that `GPT2Model(folder:)` and transformers read:
/// config.json, vocab.txt, model.safetensors, and the tokenizer files that
/// make transformers' BertTokenizer keep `[EOS]` whole.
public enum ModelFolder {
    public static func configJSON(_ c: GPT2Config) -> String {
        """
        {
          "architectures": ["GPT2LMHeadModel"],
          "model_type": "gpt2",
          "vocab_size": \(c.vocabSize),
          "n_positions": \(c.positions),
          "n_ctx": \(c.positions),
          "n_embd": \(c.hiddenSize),
          "n_layer": \(c.layers),
          "n_head": \(c.heads),
          "activation_function": "gelu_new",
          "layer_norm_epsilon": 1e-05,
          "resid_pdrop": 0.0,
          "embd_pdrop": 0.0,
          "attn_pdrop": 0.0,
          "initializer_range": 0.02,
          "tie_word_embeddings": true,
          "bos_token_id": 2,
          "eos_token_id": 3,
          "pad_token_id": 0,
          "tokenizer_class": "BertTokenizer"
        }

        """
    }

    static let tokenizerConfig = """
        {"tokenizer_class": "BertTokenizer", "do_lower_case": true, "tokenize_chinese_chars": true, \
        "additional_special_tokens": ["[EOS]"], "model_max_length": 1024}

        """
    static let specialTokensMap = """
        {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", \
        "mask_token": "[MASK]", "additional_special_tokens": ["[EOS]"]}

        """

    /// Writes the folder (created if needed; files replaced atomically).
    public static func write(_ parameters: GPT2Parameters, vocabulary: [String], to folder: String, float16: Bool,
                             extraFiles: [String: String] = [:]) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw TrainingError(.io, "\(folder): cannot create the model folder (\(error.localizedDescription))")
        }
        try AtomicFile.write(configJSON(parameters.config), to: folder + "/config.json")
        try AtomicFile.write(vocabulary.joined(separator: "\n") + "\n", to: folder + "/vocab.txt")
        try AtomicFile.write(tokenizerConfig, to: folder + "/tokenizer_config.json")
        try AtomicFile.write(specialTokensMap, to: folder + "/special_tokens_map.json")
        for (name, text) in extraFiles { try AtomicFile.write(text, to: folder + "/" + name) }
        try AtomicFile.write(parameters.safetensors(float16: float16), to: folder + "/model.safetensors")
    }
}
