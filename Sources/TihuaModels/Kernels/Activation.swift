/// The activation functions the towers and GPT-2 can run, by their names in
/// transformers' config files.
public enum Activation: String, Sendable, Equatable {
    /// Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)). BERT's "gelu".
    case gelu
    /// The tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). GPT-2's "gelu_new".
    case geluTanh
    /// x·σ(1.702·x). CLIP's vision tower.
    case quickGELU

    static let supportedNames = ["gelu", "gelu_new", "gelu_pytorch_tanh", "quick_gelu"]

    init?(configName: String) {
        switch configName {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh": self = .geluTanh
        case "quick_gelu": self = .quickGELU
        default: return nil
        }
    }
}
