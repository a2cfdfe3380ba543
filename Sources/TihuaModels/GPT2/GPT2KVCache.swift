/// The keys and values of every layer for `slots` sequences, each slot
/// holding up to `capacity` positions:
///   keys, values [layers, slots, capacity, C]
/// One sequence uses one slot; a batch of sequences that share their length
/// uses slots 0 ..< B, `slotStride` floats apart (the attention kernel's
/// `kvStride`).
final class GPT2KVCache {
    let layers: Int
    let slots: Int
    let capacity: Int
    let channels: Int
    private let keyBuffer: FloatBuffer
    private let valueBuffer: FloatBuffer

    init(layers: Int, slots: Int, capacity: Int, channels: Int) {
        self.layers = layers
        self.slots = slots
        self.capacity = capacity
        self.channels = channels
        keyBuffer = FloatBuffer(layers * slots * capacity * channels)
        valueBuffer = FloatBuffer(layers * slots * capacity * channels)
    }

    /// Floats between slot s and slot s + 1 of a layer.
    var slotStride: Int { capacity * channels }

    /// keys[layer, slot, 0, 0] (and the slots after it, `slotStride` apart).
    func keys(layer: Int, slot: Int = 0) -> UnsafeMutablePointer<Float> {
        keyBuffer.pointer + (layer * slots + slot) * slotStride
    }

    /// values[layer, slot, 0, 0].
    func values(layer: Int, slot: Int = 0) -> UnsafeMutablePointer<Float> {
        valueBuffer.pointer + (layer * slots + slot) * slotStride
    }

    /// Stores the new keys and values of one layer from its fused projection:
    ///   qkv [B, T, 3C] (q | k | v per row) → keys, values [layer, b, start + t, C]
    /// for b < B, t < T.
    func store(layer: Int, qkv: UnsafePointer<Float>, sequences: Int, tokens: Int, start: Int) {
        let C = channels
        for b in 0..<sequences {
            let keys = keys(layer: layer, slot: b), values = values(layer: layer, slot: b)
            for t in 0..<tokens {
                let row = qkv + (b * tokens + t) * 3 * C
                (keys + (start + t) * C).update(from: row + C, count: C)
                (values + (start + t) * C).update(from: row + 2 * C, count: C)
            }
        }
    }

    /// Copies the first `rows` positions of slot `from` to slot `to`, every layer:
    ///   keys, values [l, to, 0 ..< rows, C] ← [l, from, 0 ..< rows, C]
    func copy(slot from: Int, to: Int, rows: Int) {
        precondition(from < slots && to < slots && rows <= capacity)
        guard from != to else { return }
        for l in 0..<layers {
            keys(layer: l, slot: to).update(from: keys(layer: l, slot: from), count: rows * channels)
            values(layer: l, slot: to).update(from: values(layer: l, slot: from), count: rows * channels)
        }
    }
}
