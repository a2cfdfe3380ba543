/// Floating-point operations of the matrix products of a forward pass,
/// counted as 2 per multiply-add (the convention of a GEMM's 2·m·n·k, so
/// the figures compare with a plain sgemm; ViT-B/16's usual "17.6 GFLOPs"
/// counts multiply-adds, i.e. half of this).
public enum ModelFLOPs {
    /// One image through the vision tower: patch embedding, per layer the
    /// q/k/v/out projections, QKᵀ and PV of every head, the two MLP
    /// matrices, and the final projection.
    public static func visionPerImage(_ config: CLIPConfig) -> Double {
        let v = config.vision
        let T = Double(v.tokens), C = Double(v.hiddenSize), I = Double(v.intermediateSize)
        let patches = Double(v.patchesPerSide * v.patchesPerSide)
        let patchEmbedding = 2 * patches * Double(v.channels * v.patchSize * v.patchSize) * C
        let perLayer = 2 * (4 * T * C * C + 2 * T * C * I + 2 * T * T * C)
        return patchEmbedding + Double(v.layers) * perLayer + 2 * C * Double(config.projectionDim)
    }
}
