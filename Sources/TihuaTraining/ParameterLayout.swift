import TihuaModels

/// Where each GPT-2 tensor lives in one flat float buffer (parameters,
/// gradients and the optimizer's moments share the layout), in
/// GPT2LMHeadModel's order and names. The LM head is tied to `wte`.
public struct ParameterLayout: Sendable {
    public struct Entry: Sendable {
        /// The transformers name without the `transformer.` prefix (`h.0.ln_1.weight`).
        public let name: String
        public let shape: [Int]
        public let offset: Int
        /// AdamW decays matrices and embeddings, not biases or LayerNorm (GPT-2 practice).
        public let decays: Bool
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public let config: GPT2Config
    public let entries: [Entry]
    public let count: Int
    private let index: [String: Int]

    public init(_ config: GPT2Config) {
        let C = config.hiddenSize, I = config.innerSize
        var specs: [(String, [Int])] = [("wte.weight", [config.vocabSize, C]), ("wpe.weight", [config.positions, C])]
        for l in 0..<config.layers {
            let p = "h.\(l)."
            specs += [
                (p + "ln_1.weight", [C]), (p + "ln_1.bias", [C]),
                (p + "attn.c_attn.weight", [C, 3 * C]), (p + "attn.c_attn.bias", [3 * C]),
                (p + "attn.c_proj.weight", [C, C]), (p + "attn.c_proj.bias", [C]),
                (p + "ln_2.weight", [C]), (p + "ln_2.bias", [C]),
                (p + "mlp.c_fc.weight", [C, I]), (p + "mlp.c_fc.bias", [I]),
                (p + "mlp.c_proj.weight", [I, C]), (p + "mlp.c_proj.bias", [C]),
            ]
        }
        specs += [("ln_f.weight", [C]), ("ln_f.bias", [C])]
        var offset = 0
        var entries: [Entry] = []
        for (name, shape) in specs {
            entries.append(Entry(name: name, shape: shape, offset: offset, decays: shape.count == 2))
            offset += shape.reduce(1, *)
        }
        self.config = config
        self.entries = entries
        count = offset
        index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The offset of a tensor that the layout is known to hold.
    func offset(_ name: String) -> Int { entry(name)!.offset }

    /// Pointers to one layer's tensors inside `base`.
    struct Layer {
        let ln1w, ln1b, attnW, attnB, projW, projB, ln2w, ln2b, fcW, fcB, fcProjW, fcProjB: UnsafeMutablePointer<Float>
    }

    func layer(_ l: Int, in base: UnsafeMutablePointer<Float>) -> Layer {
        let p = "h.\(l)."
        func t(_ n: String) -> UnsafeMutablePointer<Float> { base + offset(p + n) }
        return Layer(ln1w: t("ln_1.weight"), ln1b: t("ln_1.bias"), attnW: t("attn.c_attn.weight"), attnB: t("attn.c_attn.bias"),
                     projW: t("attn.c_proj.weight"), projB: t("attn.c_proj.bias"), ln2w: t("ln_2.weight"), ln2b: t("ln_2.bias"),
                     fcW: t("mlp.c_fc.weight"), fcB: t("mlp.c_fc.bias"), fcProjW: t("mlp.c_proj.weight"), fcProjB: t("mlp.c_proj.bias"))
    }
}
