import TihuaCompute

/// Chinese-CLIP's vision tower (CLIP ViT): patch embedding by convolution
/// without bias, class token, position embeddings, `pre_layrnorm`, pre-LN
/// blocks with quick-GELU, `post_layernorm` on the class token, then
/// `visual_projection` without bias.
public final class CLIPVisionTower: @unchecked Sendable {  // immutable after init; `weights` points into `source`, read only
    public let config: CLIPVisionConfig
    public let projectionDim: Int
    private let weights: CLIPVisionWeights
    private let source: TensorSource   // keeps the weights' memory alive

    init(config: CLIPVisionConfig, projectionDim: Int, binder: WeightBinder) throws {
        self.config = config
        self.projectionDim = projectionDim
        self.weights = try CLIPVisionWeights(binder, config, projectionDim: projectionDim)
        self.source = binder.source
    }

    public struct Output: Sendable {
        public let count: Int
        public let tokens: Int
        public let hiddenSize: Int
        /// [B, P] projected features, not normalised.
        public let projected: [Float]
        /// [B, C] post-LayerNorm class token (transformers' pooler_output).
        public let pooled: [Float]
        /// When requested: the pre-LayerNorm output then each layer's output, each [B, tokens, C].
        public let hiddenStates: [[Float]]

        /// [tokens, C] rows of image `item` at hidden state `index`.
        public func hiddenState(_ index: Int, item: Int) -> [Float] {
            let size = tokens * hiddenSize
            return Array(hiddenStates[index][(item * size)..<((item + 1) * size)])
        }
    }

    /// pixels: [B, channels, S, S] CHW float values, as the image preprocessor makes them.
    public func forward(pixels: UnsafeBufferPointer<Float>, count B: Int, keepHiddenStates: Bool = false) throws -> Output {
        let c = config, C = c.hiddenSize, T = c.tokens
        guard B >= 0, pixels.count == B * c.pixelsPerImage else {
            throw ModelError(.invalidInput, "vision tower: \(pixels.count) pixel values for \(B) images, expected \(B) × \(c.channels) × \(c.imageSize) × \(c.imageSize) = \(B * c.pixelsPerImage)")
        }
        if let i = pixels.firstIndex(where: { !$0.isFinite }) {
            throw ModelError(.invalidInput, "vision tower: pixel value \(i) (image \(i / c.pixelsPerImage)) is \(pixels[i])")
        }
        guard B > 0 else { return Output(count: 0, tokens: T, hiddenSize: C, projected: [], pooled: [], hiddenStates: []) }
        return ComputeBudget.forwardPass { compute(pixels.baseAddress!, count: B, keepHiddenStates: keepHiddenStates) }
    }

    /// The pass itself, on validated input: [B, channels, S, S] → Output.
    private func compute(_ pixels: UnsafePointer<Float>, count B: Int, keepHiddenStates: Bool) -> Output {
        let c = config, C = c.hiddenSize, T = c.tokens
        let ws = EncoderWorkspace(batch: B, tokens: T, hidden: C, heads: c.heads, intermediate: c.intermediateSize)
        let n = ws.rows
        let x = ws.x.pointer
        embed(pixels, count: B, into: x)
        Kernels.layerNorm(out: x, inp: x, weight: weights.preNormWeight, bias: weights.preNormBias, rows: n, channels: C, eps: c.layerNormEps)
        var hidden: [[Float]] = keepHiddenStates ? [ws.x.array()] : []

        for layer in weights.layers {
            // x += Attention(LN1(x))·Woᵀ + bo
            Kernels.layerNorm(out: ws.normed.pointer, inp: x, weight: layer.norm1Weight, bias: layer.norm1Bias, rows: n, channels: C, eps: c.layerNormEps)
            ws.selfAttention(layer.attention, input: ws.normed.pointer, keyMask: nil)
            Kernels.linear(out: x, inp: ws.context.pointer, weight: layer.attention.outputWeight, bias: layer.attention.outputBias,
                           rows: n, inFeatures: C, outFeatures: C, accumulate: true)
            // x += act(LN2(x)·W1ᵀ + b1)·W2ᵀ + b2
            Kernels.layerNorm(out: ws.normed.pointer, inp: x, weight: layer.norm2Weight, bias: layer.norm2Bias, rows: n, channels: C, eps: c.layerNormEps)
            Kernels.linear(out: ws.inner.pointer, inp: ws.normed.pointer, weight: layer.fc1Weight, bias: layer.fc1Bias,
                           rows: n, inFeatures: C, outFeatures: c.intermediateSize, activation: c.activation)
            Kernels.linear(out: x, inp: ws.inner.pointer, weight: layer.fc2Weight, bias: layer.fc2Bias,
                           rows: n, inFeatures: c.intermediateSize, outFeatures: C, accumulate: true)
            if keepHiddenStates { hidden.append(ws.x.array()) }
        }

        // pooled[b] = post_layernorm(x[b, 0]); projected = pooled · Wpᵀ
        let pooled = FloatBuffer(B * C)
        for b in 0..<B { (pooled.pointer + b * C).update(from: x + b * T * C, count: C) }
        Kernels.layerNorm(out: pooled.pointer, inp: pooled.pointer, weight: weights.postNormWeight, bias: weights.postNormBias,
                          rows: B, channels: C, eps: c.layerNormEps)
        let projected = FloatBuffer(B * projectionDim)
        Kernels.linear(out: projected.pointer, inp: pooled.pointer, weight: weights.projection, bias: nil,
                       rows: B, inFeatures: C, outFeatures: projectionDim)
        return Output(count: B, tokens: T, hiddenSize: C, projected: projected.array(), pooled: pooled.array(), hiddenStates: hidden)
    }

    /// x[b, 0] = class + position[0]; x[b, 1 + i] = patch_i · Wᵀ + position[1 + i]   x: [B, tokens, C]
    /// The convolution (stride = kernel = p, no bias) is one sgemm over the
    /// unfolded patches [B·P², channels·p·p], whose columns follow the weight's
    /// (channel, row, column) order.
    private func embed(_ pixels: UnsafePointer<Float>, count B: Int, into x: UnsafeMutablePointer<Float>) {
        let c = config, C = c.hiddenSize, p = c.patchSize, g = c.patchesPerSide, S = c.imageSize
        let patchCount = g * g, patchLength = c.channels * p * p
        let patches = FloatBuffer(B * patchCount * patchLength)
        Kernels.forEachRowRange(rows: B * patchCount, width: patchLength) { range in
            for r in range {
                let b = r / patchCount, py = (r % patchCount) / g, px = r % g
                var dst = patches.pointer + r * patchLength
                for ch in 0..<c.channels {
                    let plane = pixels + (b * c.channels + ch) * S * S
                    for ky in 0..<p {
                        dst.update(from: plane + (py * p + ky) * S + px * p, count: p)
                        dst += p
                    }
                }
            }
        }
        let embedded = FloatBuffer(B * patchCount * C)
        Kernels.linear(out: embedded.pointer, inp: patches.pointer, weight: weights.patchEmbedding, bias: nil,
                       rows: B * patchCount, inFeatures: patchLength, outFeatures: C)
        let position = weights.positionEmbeddings
        for b in 0..<B {
            let image = x + b * c.tokens * C
            for i in 0..<C { image[i] = weights.classEmbedding[i] + position[i] }
            for t in 1..<c.tokens {
                let row = image + t * C, patch = embedded.pointer + (b * patchCount + t - 1) * C, pos = position + t * C
                for i in 0..<C { row[i] = patch[i] + pos[i] }
            }
        }
    }
}
